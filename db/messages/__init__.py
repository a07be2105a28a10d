"""Messages to people about their appointments: the queue, its sender and the SMS file."""
