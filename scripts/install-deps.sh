#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Install the host tools Kestrel's build, images and tests need, on Debian
# or Ubuntu (apt-get; sudo when not root).  The Makefile calls it with
# --ensure whenever the tool stamp is missing.
#
#   scripts/install-deps.sh --check    report what is missing, install nothing
#   scripts/install-deps.sh --ensure   install what is missing (default)
#
# Exit status: 0 when every tool is present afterwards; 1 otherwise, after
# naming each missing tool and the Debian package that provides it.
set -u

mode=${1:---ensure}
case "$mode" in --check|--ensure) ;; *) echo "usage: $0 [--check|--ensure]" >&2; exit 2;; esac

# One requirement a line: <package> <kind> <what>; kind is cmd (a program on
# PATH) or file (a path, alternatives separated by '|').
requirements() {
    cat <<'LIST'
gcc               cmd  gcc
make              cmd  make
binutils          cmd  ld
binutils          cmd  objcopy
binutils          cmd  nm
gcc-multilib      file /usr/lib/gcc/x86_64-linux-gnu/*/32/libgcc.a
nasm              cmd  nasm
python3           cmd  python3
grub-common       cmd  grub-mkrescue
grub-common       cmd  grub-file
grub-common       cmd  grub-mkimage
grub-pc-bin       file /usr/lib/grub/i386-pc/boot.img
grub-efi-amd64-bin file /usr/lib/grub/x86_64-efi/kernel.img
xorriso           cmd  xorriso
faketime          cmd  faketime
mtools            cmd  mformat
mtools            cmd  mcopy
fdisk             cmd  sfdisk
qemu-system-x86   cmd  qemu-system-x86_64
ovmf              file /usr/share/OVMF/OVMF_CODE_4M.fd|/usr/share/OVMF/OVMF_CODE.fd|/usr/share/ovmf/OVMF.fd
seabios           file /usr/share/seabios/bios-256k.bin|/usr/share/qemu/bios-256k.bin
bochs             cmd  bochs
bochsbios         file /usr/share/bochs/BIOS-bochs-latest
vgabios           file /usr/share/vgabios/vgabios.bin
bochs             file /usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_rfb_gui.so|/usr/lib/bochs/plugins/libbx_rfb_gui.so
gdb               cmd  gdb
LIST
}

present() { # kind what
    local alt
    if [ "$1" = cmd ]; then
        command -v "$2" >/dev/null 2>&1
        return
    fi
    IFS='|' read -r -a alts <<<"$2"
    for alt in "${alts[@]}"; do
        # shellcheck disable=SC2086  # globs in the path are wanted
        for f in $alt; do [ -e "$f" ] && return 0; done
    done
    return 1
}

missing_packages() {
    local pkg kind what
    while read -r pkg kind what; do
        present "$kind" "$what" || echo "$pkg $what"
    done < <(requirements)
}

report() {
    local pkg what
    while read -r pkg what; do
        echo "install-deps: missing $what (Debian package: $pkg)" >&2
    done <<<"$1"
}

missing=$(missing_packages)
[ -z "$missing" ] && exit 0

if [ "$mode" = --check ]; then
    report "$missing"
    exit 1
fi

pkgs=$(awk '{print $1}' <<<"$missing" | sort -u | tr '\n' ' ')
echo "install-deps: installing: $pkgs" >&2
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    report "$missing"
    echo "install-deps: not root and no sudo: install the packages above by hand" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    report "$missing"
    echo "install-deps: no apt-get on this machine: install the equivalents of the packages above" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086  # word splitting of the package list is wanted
"${sudo[@]}" apt-get update -qq >&2 &&
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends $pkgs >&2

still=$(missing_packages)
if [ -n "$still" ]; then
    report "$still"
    exit 1
fi
echo "install-deps: all host tools present" >&2
