#!/usr/bin/env bash
# T400-emacs - editors/emacs/lectern.el in `emacs --batch` against a live
# daemon over corpus/: it byte-compiles cleanly, M-x lectern-find lists the
# passage for "cattle, not pets" and RET lands on its line and column (a
# line with multibyte characters before the match), lectern-find-at-point
# uses the word at point or the region, it starts the daemon when none
# listens, and it refuses a daemon that speaks another protocol.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

t_need emacs

EL=$REPO/editors/emacs/lectern.el
NOTE=$REPO/corpus/2015-reinvent-partner-keynote-cattle-not-pets.txt
PHRASE='cattle, not pets'

# Where "cattle, not pets" starts on line 10: Emacs columns count characters
# from 0, the protocol counts bytes from 1.
LINE10=$(sed -n 10p "$NOTE")
PREFIX=${LINE10%%"$PHRASE"*}
CHAR_COL=${#PREFIX}
BYTE_COL=$(($(LC_ALL=C; echo "${#PREFIX}") + 1))
[[ $CHAR_COL -lt $((BYTE_COL - 1)) ]] || t_skip "corpus line 10 has no multibyte text before the phrase any more"

# wait_gone PATH: until PATH is gone (no clock: a hang is the runner's timeout)
wait_gone() {
	while [[ -e $1 ]]; do sleep 0.1; done
}

# wait_socket PATH [PID]: until a socket is at PATH, or the process PID ends
# (no clock: a hang is the runner's timeout)
wait_socket() {
	until [[ -S $1 ]]; do
		[[ -z ${2:-} ]] || kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
}

# The test driver, loaded after lectern.el: helpers that print what the
# shell checks, one "TAG key=value ..." line each.
DRIVER=$TEST_TMP/t400.el
cat >"$DRIVER" <<'EOF'
;;; t400.el --- T400's driver  -*- lexical-binding: t; -*-
(require 'lectern)
(setq lectern-timeout 20)

(defun t400-show-point (tag)
  "Print TAG, the file, line, column and text at point."
  (princ (format "%s file=%s line=%d col=%d text=%s\n" tag (buffer-file-name)
                 (line-number-at-pos) (current-column)
                 (buffer-substring-no-properties
                  (point) (min (point-max) (+ (point) 16))))))

(defun t400-show-results (tag buffer)
  "Print TAG, BUFFER's header, hit count and first hit line."
  (with-current-buffer buffer
    (goto-char (point-min))
    (princ (format "%s mode=%s header=%s hits=%d\n" tag major-mode
                   (buffer-substring-no-properties (point) (line-end-position))
                   (how-many "^[^\n]+:[0-9]+:[0-9]+: " (point-min) (point-max))))
    (when (re-search-forward "^[^\n]+:[0-9]+:[0-9]+: " nil t)
      (princ (format "%s first=%s\n" tag
                     (buffer-substring-no-properties (line-beginning-position)
                                                     (line-end-position))))
      (dolist (ov (overlays-in (line-beginning-position) (line-end-position)))
        (when (eq (overlay-get ov 'face) 'lectern-match)
          (princ (format "%s mark=%s\n" tag
                         (buffer-substring-no-properties (overlay-start ov)
                                                         (overlay-end ov)))))))))

(defun t400-follow-first (tag buffer)
  "In BUFFER, press RET on the first hit; print where it lands under TAG."
  (with-current-buffer buffer
    (goto-char (point-min))
    (re-search-forward "^[^\n]+:[0-9]+:[0-9]+: ")
    (beginning-of-line)
    (compile-goto-error))
  (with-current-buffer (window-buffer (selected-window))
    (t400-show-point tag)))

(defun t400-running (phrase)
  "Search PHRASE on a running daemon, follow the first hit, try at-point."
  (setq lectern-start-daemon nil)
  (let ((results (lectern-find phrase)))
    (t400-show-results "FIND" results)
    (t400-follow-first "JUMP" results))
  ;; two requests in flight at once: each reply reaches its own callback
  (let (ping find)
    (lectern-request '((op . "ping")) (lambda (r) (setq ping r)))
    (lectern-request (lectern--find-request phrase) (lambda (r) (setq find r)))
    (with-timeout (10 (princ "ASYNC timeout\n"))
      (while (not (and ping find))
        (accept-process-output lectern--process 0.05)))
    (princ (format "ASYNC ping=%s find=%s\n" (alist-get 'protocol ping)
                   (length (alist-get 'hits find)))))
  ;; the word at point
  (with-current-buffer (get-buffer-create "notes")
    (insert "the herd of cattle grazed\n")
    (goto-char (point-min))
    (search-forward "catt")
    (t400-show-results "WORD" (lectern-find-at-point)))
  ;; the active region wins over the word at point
  (with-current-buffer (get-buffer-create "quote")
    (transient-mark-mode 1)
    (insert "they are " phrase ".\n")
    (goto-char (point-min))
    (search-forward "are ")
    (set-mark (point))
    (search-forward phrase)
    (activate-mark)
    (let ((results (lectern-find-at-point)))
      (t400-show-results "REGION" results)
      (t400-follow-first "REGIONJUMP" results))))

(defun t400-autostart (phrase)
  "Search PHRASE with no daemon running: lectern.el must start one."
  (setq lectern-start-daemon t)
  (let ((results (lectern-find phrase)))
    (princ (format "DAEMON live=%s pid=%s socket=%s\n"
                   (and (process-live-p lectern--daemon) t)
                   (and lectern--daemon (process-id lectern--daemon))
                   (file-exists-p (lectern--socket-path))))
    (t400-show-results "AUTO" results)
    ;; next-error works from any buffer, like after M-x grep
    (with-current-buffer (get-buffer-create "elsewhere")
      (next-error))
    (with-current-buffer (window-buffer (selected-window))
      (t400-show-point "NEXTERROR"))))

(defun t400-expect-error (query)
  "Print the error that searching QUERY signals."
  (condition-case err
      (progn (lectern-find query) (princ "NOERROR\n"))
    (error (princ (format "ERROR %s\n" (error-message-string err))))))
EOF

emacs_run() {
	t_run emacs --batch -Q -L "$REPO/editors/emacs" -l "$EL" -l "$DRIVER" "$@"
}

# ---- the package itself ---------------------------------------------------

mkdir -p "$TEST_TMP/elc"
cp "$EL" "$TEST_TMP/elc/"
t_ok "lectern.el byte-compiles" emacs --batch -Q \
	--eval '(setq byte-compile-error-on-warn t)' \
	-f batch-byte-compile "$TEST_TMP/elc/lectern.el"
t_lacks "byte-compiling gives no warnings" "Warning" "$T_ERR"
t_ok "lectern.el has valid package headers" emacs --batch -Q --eval \
	"(progn (require 'package) (with-temp-buffer
	   (insert-file-contents \"$EL\")
	   (let ((d (package-buffer-info)))
	     (princ (format \"%s %s\n\" (package-desc-name d)
	                    (package-version-join (package-desc-version d)))))))"
t_match "the package is lectern, version x.y.z" '^lectern [0-9]+\.[0-9]+\.[0-9]+$' "$T_OUT"
t_eq "the file ends with its footer" ";;; lectern.el ends here" "$(tail -n 1 "$EL")"

# ---- a daemon already running ---------------------------------------------

t_ok "index the corpus" "$LECTERN" index --quiet --no-progress "$REPO/corpus"
SOCK=$TEST_TMP/serve.sock
t_bg "$LECTERN" serve --socket "$SOCK"
DAEMON=$T_BG_PID
t_true "lectern serve listens at $SOCK" wait_socket "$SOCK" "$DAEMON" || t_done

emacs_run --eval "(setq lectern-socket \"$SOCK\")" --eval "(t400-running \"$PHRASE\")"
t_eq "lectern-find on a running daemon exits 0" 0 "$T_RC"
[[ $T_RC -eq 0 ]] || printf '#   %s\n' "${T_ERR:0:2000}"
t_contains "the results buffer is in a grep-mode derivative" "FIND mode=lectern-results-mode" "$T_OUT"
t_contains "the header names the query" "header=lectern find \"$PHRASE\"" "$T_OUT"
t_match "the first hit line is path:10:$BYTE_COL: snippet" \
	"FIND first=[^ ]*2015-reinvent-partner-keynote-cattle-not-pets\.txt:10:$BYTE_COL: .*$PHRASE" "$T_OUT"
t_contains "the snippet highlights the phrase" "FIND mark=$PHRASE" "$T_OUT"
t_contains "RET visits the note" "JUMP file=$NOTE " "$T_OUT"
t_contains "RET lands on line 10, on the character column of the match" \
	"JUMP file=$NOTE line=10 col=$CHAR_COL text=$PHRASE" "$T_OUT"
t_contains "pipelined asynchronous requests each get their own reply" "ASYNC ping=1 find=1" "$T_OUT"
t_match "lectern-find-at-point searches the word at point" \
	'WORD mode=lectern-results-mode header=lectern find "cattle": [0-9]+ of [0-9]+ passages hits=[1-9]' "$T_OUT"
t_contains "lectern-find-at-point prefers the active region" "REGION mode=lectern-results-mode header=lectern find \"$PHRASE\"" "$T_OUT"
t_contains "and its first hit lands on the phrase" \
	"REGIONJUMP file=$NOTE line=10 col=$CHAR_COL text=$PHRASE" "$T_OUT"

emacs_run --eval "(setq lectern-socket \"$SOCK\")" \
	--eval '(with-current-buffer (lectern-find "catle") (princ (buffer-string)))'
t_contains "a query with no match says so" "No passage matches." "$T_OUT"
t_contains "and shows the daemon's suggestion" "Did you mean: cattle" "$T_OUT"
# a misspelt word among others: the fallback (some of the words), marked,
# with the suggestion above it
emacs_run --eval "(setq lectern-socket \"$SOCK\")" \
	--eval '(with-current-buffer (lectern-find "catle pets") (princ (buffer-string)))'
t_contains "a fallback shows the suggestion" "Did you mean: cattle pets" "$T_OUT"
t_contains "says that no passage matches the whole query" \
	"No passage matches the whole query; passages matching some of its words:" "$T_OUT"
t_match "and marks each fallback hit" ':[0-9]+:[0-9]+: .*  \[some words\]' "$T_OUT"
t_lacks "(not 'No passage matches.', there are hits)" "No passage matches." "$T_OUT"
emacs_run --eval "(setq lectern-socket \"$SOCK\")" \
	--eval '(with-current-buffer (lectern-find "cattle") (princ (buffer-string)))'
t_lacks "a match is not marked" "[some words]" "$T_OUT"
emacs_run --eval "(setq lectern-socket \"$SOCK\")" --eval '(t400-expect-error "   ")'
t_match "an empty query is refused before asking the daemon" 'ERROR lectern: the query is empty' "$T_OUT"
emacs_run --eval "(setq lectern-socket \"$SOCK\")" --eval '(t400-expect-error ",,,")'
t_match "an error reply from the daemon becomes an error with its code" \
	'^ERROR lectern: .+ \(bad_query\)$' "$T_OUT"

kill "$DAEMON" 2>/dev/null
wait "$DAEMON" 2>/dev/null
wait_gone "$SOCK"

emacs_run --eval "(setq lectern-socket \"$SOCK\" lectern-start-daemon nil)" \
	--eval "(t400-expect-error \"$PHRASE\")"
t_contains "with no daemon and lectern-start-daemon nil, the error says so" \
	"ERROR lectern: no daemon listens on $SOCK" "$T_OUT"

# ---- lectern.el starts the daemon -----------------------------------------

AUTO=$TEST_TMP/auto/lectern.sock
emacs_run --eval "(setq lectern-socket \"$AUTO\" lectern-program \"$LECTERN\")" \
	--eval "(t400-autostart \"$PHRASE\")"
t_eq "lectern-find with no daemon exits 0" 0 "$T_RC"
[[ $T_RC -eq 0 ]] || printf '#   %s\n' "${T_ERR:0:2000}"
t_contains "lectern.el started a daemon listening on its socket" "DAEMON live=t" "$T_OUT"
t_contains "the daemon's socket exists" "socket=t" "$T_OUT"
t_match "the started daemon answers the search" "AUTO first=[^ ]*cattle-not-pets\.txt:10:$BYTE_COL: " "$T_OUT"
t_contains "next-error lands on the same place" \
	"NEXTERROR file=$NOTE line=10 col=$CHAR_COL text=$PHRASE" "$T_OUT"
AUTO_PID=$(sed -n 's/^DAEMON .*pid=\([0-9]*\) .*/\1/p' <<<"$T_OUT")
if [[ -n $AUTO_PID ]]; then
	gone=0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$AUTO_PID" 2>/dev/null || { gone=1; break; }
		sleep 0.1
	done
	t_eq "the daemon started by Emacs stops when Emacs exits" 1 "$gone"
	[[ $gone -eq 1 ]] || kill "$AUTO_PID" 2>/dev/null
fi

# ---- a daemon that speaks another protocol --------------------------------

if command -v socat >/dev/null 2>&1 && command -v jq >/dev/null 2>&1; then
	FAKE=$TEST_TMP/fake.sock
	cat >"$TEST_TMP/fake-daemon" <<'EOF'
#!/usr/bin/env bash
# Answers every request as a daemon of protocol 99 would answer ping.
while IFS= read -r line; do
	id=$(jq -c .id <<<"$line")
	printf '{"id":%s,"ok":true,"protocol":99,"version":"9.0.0","index":"/x"}\n' "$id"
done
EOF
	chmod +x "$TEST_TMP/fake-daemon"
	t_bg socat "UNIX-LISTEN:$FAKE,fork" "EXEC:$TEST_TMP/fake-daemon"
	wait_socket "$FAKE"
	emacs_run --eval "(setq lectern-socket \"$FAKE\" lectern-start-daemon nil)" \
		--eval "(t400-expect-error \"$PHRASE\")"
	t_contains "a daemon with another protocol version is refused" \
		"ERROR lectern: the daemon speaks protocol 99 but lectern.el speaks 1" "$T_OUT"
else
	echo "# socat or jq missing: protocol mismatch not tested"
fi

t_done
