"""Word lists the demo data is built from: French names, Isère places, streets, companies.

Plain data, kept apart from ``db.demo`` so the generator reads as logic. Names carry their
accents (Éloïse, Lefèvre): the search must find them whatever the user types.
"""

from __future__ import annotations


def _words(block: str) -> list[str]:
    """The names of a block written as running text, one word per name."""
    return block.split()


FEMALE_FIRST_NAMES = _words("""
Adèle Agathe Agnès Aïcha Alexandra Alice Aline Alix Amandine Amélie Anaïs Andrée Angèle
Angélique Anne Anne-Laure Anne-Sophie Annick Annie Antoinette Apolline Ariane Arlette Audrey
Aurélie Aurore Axelle Béatrice Bénédicte Bernadette Brigitte Camille Capucine Carole Caroline
Catherine Cécile Céline Chantal Charlène Charlotte Chloé Christelle Christiane Christine Claire
Clara Clarisse Claudine Clémence Clémentine Coline Colette Corinne Danielle Delphine Denise
Diane Dominique Edwige Éléonore Élisa Élisabeth Élise Éloïse Elsa Émilie Emma Emmanuelle Estelle
Ève Évelyne Fabienne Fanny Fatima Fatoumata Florence Françoise Gaëlle Geneviève Georgette
Germaine Ghislaine Gisèle Hélène Héloïse Henriette Hortense Inès Irène Isabelle Jacqueline
Jade Jeanne Jeannine Joëlle Josiane Josette Judith Julie Juliette Justine Karima Laetitia
Laure Laurence Léa Léna Léonie Liliane Lina Lise Louise Lucie Lucienne Ludivine Lyna Madeleine
Maëlle Manon Margaux Marguerite Marie Marie-Claire Marie-Hélène Marie-Noëlle Marine Marion
Marthe Martine Maryse Mathilde Maud Maëva Mélanie Mélissa Michèle Mireille Monique Morgane
Myriam Nadège Nadia Nadine Naïma Nathalie Noémie Nicole Océane Odette Odile Olivia Ophélie
Pascale Patricia Pauline Pénélope Perrine Raphaëlle Rébecca Régine Renée Rose Rosalie Sabine
Salomé Samia Sandrine Sarah Séverine Simone Solange Solène Sophie Stéphanie Suzanne Sylvie
Thérèse Valérie Véronique Victoire Virginie Viviane Yasmine Yvette Yvonne Zoé Zélie
""")

MALE_FIRST_NAMES = _words("""
Abdel Achille Adam Adrien Alain Alban Albert Alexandre Alexis Amaury Ambroise André Antoine
Anthony Armand Arnaud Arthur Aurélien Baptiste Bastien Benoît Bernard Bertrand Bruno Camille
Cédric Charles Christian Christophe Claude Clément Cyril Damien Daniel David Denis Didier
Dimitri Dominique Édouard Élie Éloi Emmanuel Éric Étienne Eugène Fabien Fabrice Félix Fernand
Florent Florian François Franck Frédéric Gabriel Gaël Gaëtan Gaspard Georges Gérald Gérard
Gilbert Gilles Grégoire Guillaume Gustave Guy Hamid Henri Hervé Hugo Hugues Ibrahim Jacques
Jean Jean-Baptiste Jean-Claude Jean-François Jean-Luc Jean-Marc Jean-Michel Jean-Pierre Jérémie
Jérôme Joël Jonathan Joseph Josué Jules Julien Karim Kévin Laurent Léo Léon Lionel Loïc Louis
Luc Lucas Lucien Ludovic Malik Marc Marcel Marius Martin Mathéo Mathieu Matthias Maurice Maxime
Médéric Michel Mickaël Mohamed Nathan Nicolas Noé Noël Octave Olivier Pascal Patrice Patrick
Paul Philippe Pierre Pierre-Yves Quentin Raphaël Raymond Régis Rémi Renaud René Richard Robert
Roger Romain Samuel Sébastien Serge Simon Stéphane Sylvain Théo Théophile Thibault Thierry
Thomas Timothée Tristan Valentin Victor Vincent Xavier Yann Yannick Yves Zinédine
""")

LAST_NAMES = [*_words("""
Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre
Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent
Müller Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand
Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand
Duval Denis Dumont Marie Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière
Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard Roche Renard Schmitt Roy Leroux Colin
Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois
Pierre Benoît Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy Guillot
Hubert Berger Carpentier Sanchez Dupuis Moulin Louis Deschamps Huet Vasseur Perez Boucher
Fleury Royer Klein Jacquet Adam Paris Poirier Marty Aubry Guyot Carré Charles Renault Charpentier
Ménard Maillard Baron Bertin Bailly Hervé Schneider Fernandez Collet Léger Bouvier
Julien Prévost Millet Perrot Daniel Cousin Germain Breton Besson Langlois Rémy
Pelletier Lévêque Perrier Leblanc Barré Lebrun Marchal Weber Mallet Hamon Boulanger Jacob
Monnier Michaud Rodriguez Guichard Gillet Étienne Grondin Poulain Tessier Chevallier Collin
Chauvin Bouchet Gay Lemaître Bénard Maréchal Humbert Reynaud Antoine Hoarau Perret
Barthélémy Cordier Pichon Lejeune Gilbert Lamy Delaunay Pasquier Carlier Laporte Rivoire
Chabert Jourdan Gerin Pellet Eymard Gonnet Gallet Bouvard Reymond Chapuis Buisson Vial Cholat
Chaix Allègre Ravix Jacquier Bouchard Pélissier Sauze Achard Gonthier Orcel Brès Mollard
Chenevier Giroud Veyret Guillermin Trouilloud Baffert Charvet Drevon Bellier Côte Béranger
Clerc Dauphin Magnin Rostaing Sibille Thévenon Vallet Favre Blanchet Guédon Ruelle Michallet
Ferrand Collomb Dupré Dupraz Duchêne Delorme Berthet Bérard Berthier Berlioz Bergeron Bérenger
Marion Marcellin Martel Marceau Mariani Marquet Lefranc Lefort Legendre Lecoq Léonard Lesage
Haddad Benali Benhamou Mansouri Bouaziz Hamidi Cherif Nguyen Tran Pham Ferreira Pereira
Rodrigues Gonçalves Oliveira Santos Rossi Russo Ricci Esposito Bianchi Yilmaz Kaya Diallo
Traoré Camara Keita N'Diaye Ba Ouédraogo D'Angelo Kerbrat
Daoudi Schaeffer Wagner Hoffmann Braun Krüger Lévy Cohen Abitbol Saïdi Brahimi Zerrouki
"""),
    # Compound names are one name.
    "Le Gall", "Le Roux", "Le Goff", "Le Bihan", "Le Floch", "Da Silva", "De Oliveira",
]

# Isère communes: name, INSEE code, postcode, weight (roughly their population, in thousands).
ISERE_COMMUNES = [
    ("Grenoble", "38185", "38000", 158),
    ("Grenoble", "38185", "38100", 100),
    ("Saint-Martin-d'Hères", "38421", "38400", 38),
    ("Échirolles", "38151", "38130", 37),
    ("Vienne", "38544", "38200", 30),
    ("Bourgoin-Jallieu", "38053", "38300", 29),
    ("Fontaine", "38169", "38600", 23),
    ("Voiron", "38563", "38500", 20),
    ("Villefontaine", "38553", "38090", 19),
    ("Meylan", "38229", "38240", 18),
    ("L'Isle-d'Abeau", "38193", "38080", 16),
    ("Saint-Égrève", "38382", "38120", 16),
    ("Seyssinet-Pariset", "38485", "38170", 12),
    ("Sassenage", "38474", "38360", 11),
    ("Le Pont-de-Claix", "38317", "38800", 11),
    ("Voreppe", "38565", "38340", 9),
    ("Crolles", "38140", "38920", 8),
    ("Eybens", "38158", "38320", 10),
    ("Saint-Marcellin", "38416", "38160", 8),
    ("Roussillon", "38344", "38150", 8),
    ("Vizille", "38562", "38220", 7),
    ("Tullins", "38517", "38210", 8),
    ("Vif", "38545", "38450", 8),
    ("Moirans", "38239", "38430", 8),
    ("La Tour-du-Pin", "38509", "38110", 8),
    ("Pontcharra", "38314", "38530", 7),
    ("Domène", "38150", "38420", 7),
    ("Claix", "38111", "38640", 8),
    ("Gières", "38179", "38610", 7),
    ("Rives", "38337", "38140", 6),
    ("La Côte-Saint-André", "38130", "38260", 5),
    ("Beaurepaire", "38034", "38270", 5),
    ("Crémieu", "38138", "38460", 3),
    ("Le Péage-de-Roussillon", "38298", "38550", 7),
    ("Saint-Laurent-du-Pont", "38412", "38380", 5),
    ("Le Pont-de-Beauvoisin", "38315", "38480", 4),
    ("Allevard", "38006", "38580", 4),
    ("Villard-de-Lans", "38548", "38250", 4),
    ("La Mure", "38269", "38350", 5),
    ("Le Bourg-d'Oisans", "38052", "38520", 3),
    ("Mens", "38226", "38710", 1),
    ("Monestier-de-Clermont", "38242", "38650", 1),
    ("Corps", "38128", "38970", 1),
    ("Saint-Jean-de-Bournay", "38399", "38440", 5),
    ("Heyrieux", "38189", "38540", 5),
    ("Le Touvet", "38511", "38660", 3),
]

# Where the insured were born besides Isère: neighbours first, then the large départements.
NEIGHBOUR_DEPARTMENTS = ["73", "69", "26", "01", "05", "07", "42", "74"]
OTHER_DEPARTMENTS = ["75", "13", "59", "33", "67", "31", "92", "93", "94", "63", "21", "34"]
CORSICA = ["2A", "2B"]
# Overseas: département (3 digits) and its number of communes (the NIR keeps 2 digits).
OVERSEAS = {"971": 32, "972": 34, "973": 22, "974": 24, "975": 2, "976": 17}
# Born abroad: département 99 followed by the INSEE country code.
COUNTRIES = ["350", "352", "351", "139", "127", "134", "109", "208", "243", "341", "333", "131"]

STREET_KINDS = ["rue", "rue", "rue", "avenue", "boulevard", "place", "chemin", "allée", "impasse",
                "route", "cours", "quai"]
STREET_NAMES = """
de la République|Jean Jaurès|Victor Hugo|du Général de Gaulle|Pasteur|de la Libération|
Félix Viallet|des Alliés|Lesdiguières|Stalingrad|des Alpes|du Vercors|de la Chartreuse|
de Belledonne|du Dauphiné|Gambetta|Émile Zola|des Écoles|de l'Église|du Moulin|de la Gare|
Hector Berlioz|Champollion|Stendhal|Aristide Bergès|Jean Moulin|Marcelin Berthelot|
des Martyrs|de la Paix|des Tilleuls|des Érables|des Peupliers|du Stade|de la Mairie|Thiers|
Marie Curie|Paul Éluard|Albert Camus|Louis Néel|Maréchal Foch|de Verdun|du 8 Mai 1945|
des Glycines|des Lilas|des Vignes|du Drac|de l'Isère|du Grésivaudan|de l'Oisans|du Trièves
""".replace("\n", "").split("|")

EMAIL_DOMAINS = ["orange.fr", "gmail.com", "free.fr", "laposte.net", "sfr.fr", "hotmail.fr",
                 "yahoo.fr", "wanadoo.fr", "outlook.fr", "bbox.fr"]

COMPANY_TRADES = [
    "Boulangerie", "Pâtisserie", "Boucherie", "Menuiserie", "Charpente", "Plomberie",
    "Électricité", "Garage", "Transports", "Maçonnerie", "Pharmacie", "Cabinet comptable",
    "Imprimerie", "Librairie", "Fromagerie", "Restaurant", "Hôtel", "Salon de coiffure",
    "Fleuriste", "Auto-école", "Peinture", "Chauffage", "Couverture", "Taxi", "Épicerie",
]
COMPANY_THEMES = [
    "Alpes", "Dauphiné", "Vercors", "Chartreuse", "Belledonne", "Oisans", "Isère", "Trièves",
    "Grésivaudan", "Matheysine", "Bièvre", "Drac", "Romanche", "Écrins", "Taillefer",
]
COMPANY_ACTIVITIES = [
    "Informatique", "Services", "Bâtiment", "Logistique", "Nettoyage", "Conseil",
    "Mécanique", "Énergie", "Environnement", "Sécurité", "Industrie", "Aide à domicile",
    "Métallerie", "Plasturgie", "Électronique",
]
COMPANY_FORMS = ["SARL", "SAS", "SA", "EURL", "SASU", "SCOP"]

# Organisations a health professional may represent, by profession key.
HEALTH_ORGANISATIONS = {
    "laboratory": "Laboratoire {theme} Biologie",
    "medical_transport": "Ambulances {theme}",
    "medical_supplier": "{theme} Médical",
    "health_centre": "Centre de santé {city}",
}
