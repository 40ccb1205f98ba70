# The routers' own checks of morph route's exports, for the CLI tests
# that write them (sourced after lib.sh): check_otari config|rank FILE
# runs ../shared/specs/otari/check-otari.py, check_litellm FILE
# ../shared/specs/litellm/check-litellm.py.  Without the checks (no
# shared directory, or no python3-yaml) they pass, and this file says once
# why they are skipped.

shared=${MORPH_SHARED_DIR:-$MORPH_SOURCE_DIR/../shared}
checks=1
if [ ! -f "$shared/specs/otari/check-otari.py" ] ||
    [ ! -f "$shared/specs/litellm/check-litellm.py" ]; then
	echo "# skipped the routers' checks: no $shared/specs (set MORPH_SHARED_DIR)"
	checks=0
elif ! python3 -c 'import yaml' 2>/dev/null; then
	echo "# skipped the routers' checks: python3-yaml is not installed"
	checks=0
fi

# check_otari config|rank FILE, check_litellm FILE: the routers' checks.
check_otari() {
	[ "$checks" = 1 ] || return 0
	ok python3 "$shared/specs/otari/check-otari.py" "$1" "$2"
}
check_litellm() {
	[ "$checks" = 1 ] || return 0
	ok python3 "$shared/specs/litellm/check-litellm.py" "$1"
}

