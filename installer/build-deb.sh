#!/usr/bin/env bash
# The Debian package of the bundle that ./dev bundle built (./dev bundle runs this script):
#   installer/build-deb.sh [dist/Guichet]   →   dist/guichet_<version>_<architecture>.deb
#
# /opt/guichet holds the bundle; /usr/bin/guichet and /usr/bin/guichet-gui point into it; the
# desktop entry and the icon put Guichet in the menu (Bureautique). There is no maintainer
# script: dpkg's triggers refresh the menu and the icon cache, and removing the package
# touches no one's data (~/.local/share/Guichet stays).
#
# Depends names the packages of the system libraries the bundle does not carry (PyInstaller
# leaves out the C library, OpenGL, libxcb…), found with ldd and dpkg -S on this machine, and
# the C library's version its binaries need; a library missing here fails the build, except
# Wayland's (Recommends: without them Qt uses X11 or XWayland).
set -euo pipefail
cd "$(dirname "$0")/.."
umask 022

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
fail() { echo "$*" >&2; exit 1; }

bundle=$(realpath "${1:-dist/Guichet}")
[ -x "$bundle/guichet" ] || fail "Aucune application autonome dans $bundle : lancez ./dev bundle."
version=$("$bundle/guichet" --version | awk '{print $2}')
[ -n "$version" ] || fail "Version introuvable : $bundle/guichet --version n'a rien dit."
architecture=$(dpkg --print-architecture)
output=dist/guichet_${version}_${architecture}.deb
maintainer=${GUICHET_DEB_MAINTAINER:-"Équipe Guichet <guichet@localhost>"}
RECOMMENDS="libwayland-client0, libwayland-cursor0, libwayland-egl1"

is_elf() { [ "$(head -c 4 "$1" | tr -d '\0')" = $'\x7fELF' ]; }

owner() {  # the package of a library, whether dpkg knows it under /lib or /usr/lib
    local path=$1 real candidate found
    real=$(realpath "$path")
    for candidate in "$path" "$real" "/usr${path#/usr}" "/usr${real#/usr}" "${path#/usr}" \
            "${real#/usr}"; do
        if found=$(dpkg-query -S "$candidate" 2>/dev/null); then
            echo "${found%%:*}"
            return
        fi
    done
    fail "Bibliothèque système qu'aucun paquet Debian ne fournit : $path"
}

say "Dépendances système de $bundle"
mapfile -d '' files < <(find "$bundle" -type f -print0)
elves=()
for file in "${files[@]}"; do
    if is_elf "$file"; then elves+=("$file"); fi
done
library_path="$bundle/_internal:$bundle/_internal/PySide6/Qt/lib"
system_libraries=$(for file in "${elves[@]}"; do
    LD_LIBRARY_PATH=$library_path ldd "$file" 2>/dev/null || true
done | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $2 == "=>" && $3 == "not" { print "?" $1 }' \
    | grep -v "^$bundle/" | sort -u)
missing=$(grep '^?' <<<"$system_libraries" | cut -c2- | grep -v '^libwayland-' || true)
[ -z "$missing" ] || fail "Bibliothèques introuvables sur cette machine : $(echo $missing)"
packages=$(grep -v '^?' <<<"$system_libraries" | while read -r library; do owner "$library"; done \
    | sort -u)
glibc=$(for file in "${elves[@]}"; do objdump -T "$file" 2>/dev/null || true; done \
    | grep -o 'GLIBC_[0-9][0-9.]*' | cut -d_ -f2 | sort -uV | tail -n 1)
depends="libc6 (>= $glibc)"
for package in $packages; do
    case $package in
        libc6 | libwayland-*) ;;  # above, and Recommends
        *) depends+=", $package" ;;
    esac
done
depends+=", fonts-dejavu-core"  # the interface's font (the PDFs' is in the bundle)

say "Paquet Debian $output"
staging=build/deb/guichet
rm -rf build/deb
mkdir -p "$staging/DEBIAN" "$staging/opt" "$staging/usr/bin" \
    "$staging/usr/share/applications" "$staging/usr/share/icons/hicolor/scalable/apps" \
    "$staging/usr/share/doc/guichet"
cp -a "$bundle" "$staging/opt/guichet"
chmod -R u+rwX,go+rX,go-w "$staging/opt/guichet"
ln -s /opt/guichet/guichet "$staging/usr/bin/guichet"
ln -s /opt/guichet/guichet-gui "$staging/usr/bin/guichet-gui"
install -m 644 installer/guichet.desktop "$staging/usr/share/applications/guichet.desktop"
install -m 644 resources/icons/guichet.svg \
    "$staging/usr/share/icons/hicolor/scalable/apps/guichet.svg"
cat > "$staging/usr/share/doc/guichet/copyright" <<EOF
Guichet $version — $maintainer

Guichet embarque Python, Qt et PySide6 (LGPL 3.0), les polices DejaVu (licence Bitstream
Vera) et des bibliothèques Python sous licences libres. La liste des composants et de leurs
licences est dans Aide › À propos de Guichet ; les textes des licences sont dans
/opt/guichet/_internal/resources/licenses et /opt/guichet/_internal/resources/fonts.
EOF
cat > "$staging/DEBIAN/control" <<EOF
Package: guichet
Version: $version
Architecture: $architecture
Maintainer: $maintainer
Installed-Size: $(du -sk --apparent-size "$staging" | cut -f1)
Depends: $depends
Recommends: $RECOMMENDS
Section: misc
Priority: optional
Description: Guichet — accueil et rendez-vous de l'assurance maladie
 Rendez-vous, préparations, rappels, parcours attentionnés et médiation pour
 l'accueil d'une caisse primaire d'assurance maladie.
 .
 Application autonome installée dans /opt/guichet : Python, Qt et les polices
 des documents PDF sont inclus. Les données de chaque utilisateur restent dans
 son dossier personnel (~/.local/share/Guichet), même après la désinstallation.
EOF
dpkg-deb --root-owner-group -Zxz --build "$staging" "$output" >/dev/null
echo "Dépendances : $depends" >&2
echo "$output : $(du -h "$output" | cut -f1)" >&2
echo "$output"
