#!/usr/bin/env bash
# Refresh the message catalog: extract every message id the code marks (bilingual, both, marked) into
# autograder/feedback/locale/autograder.pot and merge it into the Korean catalog (ko/LC_MESSAGES/autograder.po),
# with Babel. New ids come in untranslated: write their Korean (msgstr), then run the tests
# (tests/feedback/test_catalog.py fails on an id without Korean).
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
LOCALE=autograder/feedback/locale
"$PYBABEL" extract --no-default-keywords -k bilingual -k both -k marked --no-location --sort-output --width 120 \
    --project ai-vision-course --copyright-holder "인공지능 영상" -o "$LOCALE/autograder.pot" autograder
if [ -f "$LOCALE/ko/LC_MESSAGES/autograder.po" ]; then
    "$PYBABEL" update --no-fuzzy-matching --ignore-obsolete -i "$LOCALE/autograder.pot" -d "$LOCALE" -D autograder -l ko --width 120
else
    "$PYBABEL" init -i "$LOCALE/autograder.pot" -d "$LOCALE" -D autograder -l ko --width 120
fi
