#!/usr/bin/env bash
# T422-lsp-eglot - Emacs's LSP client, eglot (the elpa-eglot Debian package),
# in `emacs --batch` runs `lectern lsp`: workspace/symbol "cattle, not pets"
# through jsonrpc-request gives the seed note at line 9 and the UTF-16
# character of the match; eglot's own position conversion lands on the
# phrase; xref-find-apropos lists it; xref-find-definitions on a [[link]]
# opens the note it names; hover shows it; save-buffer reindexes the note
# (didSave); eglot-shutdown ends the server, and the daemon it started.
# Skips when eglot is not installed.
# shellcheck source=tests/test-lib.sh
. "$(dirname "$0")/../test-lib.sh"

t_need emacs
t_need python3

ELPA=/usr/share/emacs/site-lisp/elpa
# eglot 1.9 wants newer project and xref than Emacs 28 has: Debian's elpa-*
# packages bring them; emacs -Q does not activate them, the driver does.
emacs --batch -Q --eval "(progn (dolist (d (file-expand-wildcards \"$ELPA/*\")) (add-to-list 'load-path d)) (require 'eglot))" \
	>/dev/null 2>&1 || t_skip "eglot is not installed (Debian: elpa-eglot)"

NOTES=$TEST_TMP/notes
SEED=$NOTES/2015-reinvent-partner-keynote-cattle-not-pets.txt
JASSY=$NOTES/2012-reinvent-jassy-keynote-notes.txt
PHRASE='cattle, not pets'
mkdir -p "$NOTES" && cp "$REPO"/corpus/* "$NOTES"/
printf 'Links\n\nSee [[2012-reinvent-jassy-keynote-notes]] for the keynote.\n' >"$NOTES/links.txt"
t_ok "index the notes" "$LECTERN" index --quiet --no-progress "$NOTES"

LINE10=$(sed -n 10p "$SEED")
PREFIX=${LINE10%%"$PHRASE"*}
UTF16=$(python3 -c 'import sys; print(len(sys.argv[1].encode("utf-16-le")) // 2)' "$PREFIX")
CHAR_COL=${#PREFIX}

DRIVER=$TEST_TMP/t422.el
cat >"$DRIVER" <<'EOF'
;;; t422.el --- T422's driver  -*- lexical-binding: t; -*-
(dolist (d (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path d))
(require 'eglot)
(setq eglot-sync-connect t eglot-connect-timeout 60 eglot-autoshutdown nil)
(defvar t422-notes (getenv "T422_NOTES"))
(defvar t422-args (split-string (or (getenv "T422_ARGS") "") " " t))

(defun t422-say (fmt &rest args)
  (princ (concat (apply #'format fmt args) "\n")))

(defmacro t422-step (name &rest body)
  `(condition-case err (progn ,@body)
     (error (t422-say "STEPERROR %s %S" ,name err))))

(find-file (expand-file-name "links.txt" t422-notes))
(text-mode)
(eglot '(text-mode) (cons 'transient t422-notes) 'eglot-lsp-server
       (cons (getenv "T422_LECTERN") (cons "lsp" t422-args)) "text")
(defvar t422-server (eglot-current-server))
(t422-say "SERVER live=%s" (and t422-server (jsonrpc-running-p t422-server) t))

(t422-step "symbol"
  (let* ((res (jsonrpc-request t422-server :workspace/symbol '(:query "cattle, not pets")))
         (first (and (> (length res) 0) (aref res 0)))
         (loc (plist-get first :location))
         (start (plist-get (plist-get loc :range) :start)))
    (t422-say "SYMBOL file=%s line=%s char=%s count=%d"
              (eglot--uri-to-path (plist-get loc :uri)) (plist-get start :line)
              (plist-get start :character) (length res))
    (find-file (eglot--uri-to-path (plist-get loc :uri)))
    (goto-char (eglot--lsp-position-to-point start))
    (t422-say "POINT line=%d col=%d text=%s" (line-number-at-pos) (current-column)
              (buffer-substring-no-properties (point) (+ (point) 16)))))

(t422-step "apropos"
  ;; what M-x xref-find-apropos (C-M-.) shows: eglot's own workspace/symbol
  (with-current-buffer (find-file-noselect (expand-file-name "links.txt" t422-notes))
    (let* ((xrefs (xref-backend-apropos 'eglot "cattle, not pets"))
           (loc (and xrefs (xref-item-location (car xrefs)))))
      (t422-say "APROPOS count=%d file=%s line=%s" (length xrefs)
                (and loc (xref-location-group loc)) (and loc (xref-location-line loc))))))

(t422-step "definition"
  (switch-to-buffer (find-file-noselect (expand-file-name "links.txt" t422-notes)))
  (goto-char (point-min))
  (search-forward "[[20")
  (let ((xref-prompt-for-identifier nil))
    (call-interactively #'xref-find-definitions))
  (t422-say "DEFINITION file=%s line=%d" (buffer-file-name) (line-number-at-pos)))

(t422-step "hover"
  (with-current-buffer (find-file-noselect (expand-file-name "links.txt" t422-notes))
    (let* ((res (jsonrpc-request t422-server :textDocument/hover
                                 `(:textDocument (:uri ,(eglot--path-to-uri (buffer-file-name)))
                                   :position (:line 2 :character 8))))
           (value (plist-get (plist-get res :contents) :value)))
      (t422-say "HOVER %s" (replace-regexp-in-string "\n" "|" (substring value 0 (min 60 (length value))))))))

(t422-step "save"
  ;; save-buffer sends textDocument/didSave: the note is reindexed
  (with-current-buffer (find-file-noselect (expand-file-name "links.txt" t422-notes))
    (goto-char (point-max))
    (insert "A xylophonic line, written from Emacs.\n")
    (let ((inhibit-message t)) (save-buffer))
    (let* ((res (jsonrpc-request t422-server :workspace/symbol '(:query "xylophonic")))
           (loc (and (> (length res) 0) (plist-get (aref res 0) :location))))
      (t422-say "SAVED %s" (if loc (format "%s:%s" (eglot--uri-to-path (plist-get loc :uri))
                                           (plist-get (plist-get (plist-get loc :range) :start) :line))
                             "none")))))

(t422-step "shutdown"
  (let ((proc (jsonrpc--process t422-server)))
    (eglot-shutdown t422-server)
    (with-timeout (30 (t422-say "EXIT timeout"))
      (while (process-live-p proc) (accept-process-output nil 0.05)))
    (t422-say "EXIT gone=%s" (not (process-live-p proc)))))
EOF

export T422_NOTES=$NOTES T422_LECTERN=$LECTERN

check_eglot() {
	local mode=$1
	t_eq "$mode: emacs exits 0" 0 "$T_RC"
	t_lacks "$mode: no step failed" "STEPERROR" "$T_OUT"
	t_contains "$mode: eglot connected to lectern lsp" "SERVER live=t" "$T_OUT"
	t_contains "$mode: workspace/symbol gives the seed note at line 9, UTF-16 character $UTF16" \
		"SYMBOL file=$SEED line=9 char=$UTF16 count=1" "$T_OUT"
	t_contains "$mode: eglot's position lands on the phrase" \
		"POINT line=10 col=$CHAR_COL text=$PHRASE" "$T_OUT"
	t_contains "$mode: xref-find-apropos (eglot's workspace/symbol) lists the seed note at line 10" \
		"APROPOS count=1 file=$SEED line=10" "$T_OUT"
	t_contains "$mode: xref-find-definitions on [[link]] opens the note" \
		"DEFINITION file=$JASSY line=1" "$T_OUT"
	t_contains "$mode: hover on the [[link]] shows the note" \
		"HOVER **2012-reinvent-jassy-keynote-notes.txt**" "$T_OUT"
	t_contains "$mode: save-buffer reindexes the note (didSave): its new line is found" \
		"SAVED $NOTES/links.txt:3" "$T_OUT"
	# (eglot deletes the process right after sending exit: its status is
	# SIGKILL's or ours, whichever comes first; T420 checks ours)
	t_contains "$mode: eglot-shutdown: shutdown answered, the server is gone" "EXIT gone=t" "$T_OUT"
}

T422_ARGS=--no-daemon t_run timeout 120 emacs --batch -Q -l "$DRIVER"
check_eglot "no daemon"
printf 'Links\n\nSee [[2012-reinvent-jassy-keynote-notes]] for the keynote.\n' >"$NOTES/links.txt"
"$LECTERN" index --quiet --no-progress "$NOTES" >/dev/null 2>&1
T422_ARGS='' t_run timeout 120 emacs --batch -Q -l "$DRIVER"
check_eglot "started daemon"
# eglot SIGKILLs the server; the daemon it started follows it (SIGTERM on
# its parent's death) and removes its socket.
# Polled without a clock: on a loaded machine the daemon's graceful stop
# (in-flight work answered first) may take a while; a daemon that never
# stops is the runner's timeout.
gone() {
	while [[ -e $XDG_RUNTIME_DIR/lectern/lectern.sock ]]; do
		sleep 0.1
	done
}
t_true "started daemon: it stopped with the server" gone

t_done
