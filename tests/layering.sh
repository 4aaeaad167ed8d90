#!/usr/bin/env bash
# layering.sh: the layers of DESIGN.md hold. designer/model, codegen and runtime never
# include GTK, libadwaita or GtkSourceView headers, and flint-cli never links GTK.
#
# Usage: tests/layering.sh SOURCE_ROOT [FLINT_CLI]
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -euo pipefail

src=${1:?usage: layering.sh SOURCE_ROOT [FLINT_CLI]}
cli=${2:-}
failed=0

echo "1..2"

# Headers, in C sources and headers of the GTK-free layers. Includes inside comments still
# count: better to reword the comment than to miss a real include.
pattern='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](gtk/|gdk/|gsk/|adwaita\.h|adw-|gtksourceview/|graphene)'
dirs=()
for d in designer/model codegen runtime; do
    [[ -d "$src/$d" ]] && dirs+=("$src/$d")
done
if hits=$(grep -rEn --include='*.c' --include='*.h' "$pattern" "${dirs[@]}"); then
    echo "not ok 1 - GTK-free layers include GTK headers"
    sed 's/^/# /' <<<"$hits"
    failed=1
else
    echo "ok 1 - designer/model, codegen and runtime include no GTK headers"
fi

if [[ -z "$cli" ]]; then
    echo "ok 2 # SKIP flint-cli is not built"
elif ! command -v ldd >/dev/null; then
    echo "ok 2 # SKIP ldd is not installed"
elif libs=$(ldd "$cli") && grep -Eq 'lib(gtk-4|gtk-3|adwaita-1|gtksourceview-5|graphene)' <<<"$libs"; then
    echo "not ok 2 - flint-cli links GTK"
    grep -E 'lib(gtk|adwaita|gtksourceview|graphene)' <<<"$libs" | sed 's/^/# /'
    failed=1
elif [[ -z "${libs:-}" ]]; then
    echo "not ok 2 - ldd could not read $cli"
    failed=1
else
    echo "ok 2 - flint-cli does not link GTK"
fi

exit "$failed"
