#!/usr/bin/env bash
# Smoke test of what ./dev bundle built, as an office PC gets it: outside the source tree,
# with none of the project's virtual environments, for a user with a new home folder.
#
#   installer/smoke-test.sh dist/guichet_0.1.0_amd64.deb [--postgres URL]
#       installs the package (dpkg -i, as root), tries it, removes it (dpkg -r)
#   installer/smoke-test.sh dist/Guichet [--postgres URL]
#       tries a copy of the bundle in a temporary folder
#
# As root, the tries run with the repository hidden under an empty tmpfs (in a mount
# namespace of their own), so that nothing can be read from the source tree. --postgres
# names a server (postgresql://user@host:port/database, as tools/pg-test-server.sh prints)
# on which a throw-away database is created, migrated and dropped. The GUI is started
# offscreen and, when Xvfb is installed, on X11. Ends on « smoke-test: N passed, N failed ».
set -euo pipefail

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
usage() {
    echo "utilisation : installer/smoke-test.sh dist/guichet_VERSION_ARCH.deb|dist/Guichet" \
        "[--postgres URL]" >&2
    exit 2
}

if [ "${1:-}" = --inside ]; then
    # -- the tries, started by the part below: a bare environment and a new home --------
    work=$2 prefix=$3 expected_version=$4 postgres_db=$5 hidden=${6:-}
    cd "$work"
    mkdir -p home
    passed=0 failed=0
    ok() { passed=$((passed + 1)); echo "ok : $*" >&2; }
    ko() { failed=$((failed + 1)); echo "ÉCHEC : $*" >&2; }
    run() {  # an installed command, in the environment of a fresh session
        env -i HOME="$work/home" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
            ${DISPLAY:+DISPLAY=$DISPLAY} ${QT_QPA_PLATFORM:+QT_QPA_PLATFORM=$QT_QPA_PLATFORM} \
            ${GUICHET_LOGIN:+GUICHET_LOGIN=$GUICHET_LOGIN} \
            ${GUICHET_PASSWORD:+GUICHET_PASSWORD=$GUICHET_PASSWORD} \
            ${GUICHET_QUIT_WHEN_READY:+GUICHET_QUIT_WHEN_READY=1} \
            "$prefix/$1" "${@:2}"
    }
    check() {  # check WHAT TEXT COMMAND…: the command succeeds and prints the text
        local what=$1 expected=$2 output
        shift 2
        if output=$(run "$@" 2>&1) && grep -qF -- "$expected" <<<"$output"; then
            ok "$what"
        else
            ko "$what"
            printf '%s\n' "$output" | tail -n 20 >&2
        fi
    }

    if [ -n "$hidden" ]; then
        if [ -z "$(ls -A "$hidden")" ]; then ok "le dépôt est masqué : $hidden est vide"
        else ko "le dépôt devait être masqué : $hidden"; fi
    fi
    if [ "$prefix" = /usr/bin ]; then
        if [ "$(command -v guichet)" = /usr/bin/guichet ]; then ok "guichet sur le PATH"
        else ko "guichet n'est pas sur le PATH"; fi
        if grep -q "^Categories=Office;" /usr/share/applications/guichet.desktop \
                && [ -s /usr/share/icons/hicolor/scalable/apps/guichet.svg ]; then
            ok "entrée du menu Bureautique et icône"
        else ko "entrée de menu ou icône absente"; fi
    fi
    database=$work/essai.sqlite3
    check "guichet --version" "Guichet $expected_version" guichet --version
    check "guichet db upgrade" "Schéma créé" guichet --db "$database" db upgrade
    check "guichet db upgrade, une seconde fois" "Schéma déjà à jour" guichet --db "$database" \
        db upgrade
    check "guichet demo --size small" "taille small" guichet --db "$database" demo --size small
    # The demo's appointments lie around today.
    check "guichet export ics" "rendez-vous exportés" guichet --db "$database" export ics \
        --adviser conseiller01 --from "$(date -d '-30 days' +%F)" \
        --to "$(date -d '+30 days' +%F)" -o "$work/agenda.ics"
    if grep -q "^BEGIN:VCALENDAR" "$work/agenda.ics" 2>/dev/null \
            && grep -q "^BEGIN:VEVENT" "$work/agenda.ics"; then
        ok "le fichier .ics a des évènements"
    else ko "fichier .ics vide ou absent"; fi
    check "guichet export pdf day-sheet" "exportée" guichet --db "$database" export pdf \
        day-sheet --adviser conseiller01 --date "$(date +%F)" -o "$work/journee.pdf"
    fonts=$(pdffonts "$work/journee.pdf" 2>&1 || true)
    if grep -Eq "DejaVuSans +TrueType .* yes +yes" <<<"$fonts" && ! grep -q " no " <<<"$fonts"
    then ok "la feuille de journée embarque DejaVu Sans (pdffonts)"
    else ko "polices de la feuille de journée"; echo "$fonts" >&2; fi

    # The first start, without --db: the user's data folder is made and filled with the
    # demo data, then the main window is ready.
    export GUICHET_LOGIN=conseiller01 GUICHET_PASSWORD=guichet-demo GUICHET_QUIT_WHEN_READY=1
    QT_QPA_PLATFORM=offscreen check "interface (offscreen), premier démarrage : « ready »" \
        ready guichet-gui
    if command -v Xvfb >/dev/null; then
        Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>/dev/null &
        xvfb=$!
        for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
        DISPLAY=:$(cat "$work/display") QT_QPA_PLATFORM=xcb \
            check "interface (X11, xcb sous Xvfb) : « ready »" ready guichet-gui
        kill "$xvfb"
        wait "$xvfb" 2>/dev/null || true
    else
        echo "(Xvfb absent : l'interface n'est essayée qu'offscreen)" >&2
    fi
    unset GUICHET_LOGIN GUICHET_PASSWORD GUICHET_QUIT_WHEN_READY
    log=$work/home/.local/state/Guichet/log/guichet.log
    if [ -s "$work/home/.local/share/Guichet/guichet.sqlite3" ] && [ -s "$log" ] \
            && ! grep -q "translations not found" "$log"; then
        ok "base et journal dans le dossier de l'utilisateur, traductions de Qt chargées"
    else ko "dossier de l'utilisateur ou traductions de Qt (journal : $log)"; fi
    if [ -n "$postgres_db" ]; then
        check "guichet db upgrade sur PostgreSQL" "Schéma créé" guichet --db "$postgres_db" \
            db upgrade
    fi
    echo "$passed $failed" > "$work/counts"
    exit
fi

# -- install, try in a namespace where the repository is hidden, remove --------------------
[ $# -ge 1 ] || usage
target=$(realpath "$1")
shift
postgres=""
while [ $# -gt 0 ]; do
    case $1 in
        --postgres) postgres=${2:?}; shift 2 ;;
        *) usage ;;
    esac
done
repository=$(cd "$(dirname "$0")/.." && pwd)
expected_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repository/pyproject.toml")
work=$(mktemp -d /tmp/guichet-smoke.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp "$0" "$work/smoke-test.sh"  # the repository is hidden while it runs

if [[ $target == *.deb ]]; then
    [ "$(id -u)" -eq 0 ] || { echo "dpkg -i demande les droits root." >&2; exit 2; }
    say "Installation : dpkg -i $(basename "$target")"
    dpkg -i "$target" >/dev/null
    prefix=/usr/bin
else
    say "Copie de l'application autonome dans $work"
    cp -a "$target" "$work/Guichet"
    prefix=$work/Guichet
fi
postgres_db=""
if [ -n "$postgres" ]; then
    database=guichet_smoke_$$
    psql -q "$postgres" -c "CREATE DATABASE $database" >/dev/null
    postgres_db=${postgres%/*}/$database
fi

tries=(bash "$work/smoke-test.sh" --inside "$work" "$prefix" "$expected_version" "$postgres_db")
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
    say "Essais, le dépôt masqué ($repository)"
    unshare --mount --propagation private bash -c \
        'mount -t tmpfs -o size=1m,mode=0555 tmpfs "$0" && exec "$@"' \
        "$repository" "${tries[@]}" "$repository" || true
else
    say "Essais depuis $work (le dépôt reste visible : seul root peut le masquer)"
    "${tries[@]}" || true
fi
read -r passed failed < "$work/counts" 2>/dev/null || { passed=0; failed=1; }
ok() { passed=$((passed + 1)); echo "ok : $*" >&2; }
ko() { failed=$((failed + 1)); echo "ÉCHEC : $*" >&2; }

[ -z "$postgres" ] || psql -q "$postgres" -c "DROP DATABASE $database WITH (FORCE)" >/dev/null
if [[ $target == *.deb ]]; then
    say "Désinstallation : dpkg -r guichet"
    if dpkg -r guichet >/dev/null; then ok "dpkg -r guichet"; else ko "dpkg -r guichet"; fi
    left=""
    for path in /opt/guichet /usr/bin/guichet /usr/bin/guichet-gui \
            /usr/share/applications/guichet.desktop \
            /usr/share/icons/hicolor/scalable/apps/guichet.svg; do
        if [ -e "$path" ] || [ -L "$path" ]; then left+=" $path"; fi
    done
    if [ -z "$left" ] && ! dpkg-query -W -f='${Status}' guichet 2>/dev/null \
            | grep -q "ok installed"; then
        ok "plus rien du paquet après dpkg -r"
    else ko "restes après dpkg -r :$left"; fi
    if [ -s "$work/home/.local/share/Guichet/guichet.sqlite3" ]; then
        ok "les données de l'utilisateur restent après dpkg -r"
    else ko "les données de l'utilisateur n'ont pas survécu à dpkg -r"; fi
fi
echo "smoke-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
