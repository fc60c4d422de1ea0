;;; lectern.el --- Search your notes with a running lectern daemon  -*- lexical-binding: t; -*-

;; Copyright (C) the lectern authors

;; Author: the lectern authors
;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1"))
;; Keywords: matching, tools
;; URL: https://github.com/lectern/lectern

;; This file is not part of GNU Emacs.

;;; Commentary:

;; An Emacs client for `lectern serve', the daemon of the lectern note
;; search engine.  It speaks the daemon's socket protocol directly (JSON
;; lines over a Unix socket, see docs/protocol.md) instead of running the
;; command line tool for every search, and starts the daemon when no one
;; is listening.
;;
;;   M-x lectern-find           ask for a query, list the passages found
;;   M-x lectern-find-at-point  search for the region or the word at point
;;
;; Results appear in a `grep-mode' buffer: RET, mouse clicks, `next-error'
;; and `previous-error' visit the file at the line and column of the match.
;; The daemon reports columns in bytes; this file turns them into
;; characters so the jump is exact on lines with non-ASCII text.
;;
;; Lisp programs can use `lectern-request' (asynchronous, with a callback)
;; and `lectern-request-sync' (waits up to `lectern-timeout' seconds).

;;; Code:

(require 'grep)
(require 'subr-x)
(require 'thingatpt)

(defgroup lectern nil
  "Full-text search of conference and meeting notes with lectern."
  :group 'tools
  :prefix "lectern-")

(defcustom lectern-program "lectern"
  "The lectern executable, used only to start the daemon.
Searches go over the socket, never through this program."
  :type 'string)

(defcustom lectern-index nil
  "The index directory, or nil for lectern's default.
The default is $LECTERN_INDEX, else $XDG_DATA_HOME/lectern, else
~/.local/share/lectern, as for the command line tool."
  :type '(choice (const :tag "Default" nil) directory))

(defcustom lectern-socket nil
  "The daemon's socket, or nil for the default.
The default is $XDG_RUNTIME_DIR/lectern/lectern.sock, or run/lectern.sock
inside the index directory when XDG_RUNTIME_DIR is unset."
  :type '(choice (const :tag "Default" nil) file))

(defcustom lectern-start-daemon t
  "Whether to start `lectern serve' when no daemon answers on the socket."
  :type 'boolean)

(defcustom lectern-serve-arguments nil
  "Extra arguments for `lectern serve' when this file starts it."
  :type '(repeat string))

(defcustom lectern-timeout 10
  "Seconds to wait for a reply, or for a daemon just started to listen."
  :type 'number)

(defcustom lectern-limit 50
  "How many passages `lectern-find' asks for."
  :type 'integer)

(defcustom lectern-implicit-phrase t
  "Whether a query of several bare words is one phrase.
This is what the command line does with a single quoted argument, so
\"cattle, not pets\" finds those words in that order."
  :type 'boolean)

(defcustom lectern-results-buffer-name "*lectern*"
  "Name of the buffer that lists the passages found."
  :type 'string)

(defface lectern-match
  '((t :inherit match))
  "Face for the words of the query inside a snippet.")

(defconst lectern-protocol-version 1
  "The protocol version this file speaks; the daemon must report the same.")

(defvar lectern--process nil
  "The connection to the daemon, or nil.")

(defvar lectern--daemon nil
  "The `lectern serve' process this Emacs started, or nil.")

(defvar lectern--pending ""
  "Bytes read from the daemon that do not yet end a line.")

(defvar lectern--callbacks (make-hash-table :test 'eql)
  "Request id -> function called with the reply.")

(defvar lectern--next-id 0
  "The id of the last request sent.")

(defvar lectern-find-history nil
  "Queries given to `lectern-find'.")

(defvar-local lectern--query nil
  "The query whose results this buffer shows.")

;;;; Locations

(defun lectern--index-directory ()
  "Return the index directory, as the command line tool would pick it."
  (expand-file-name
   (or lectern-index
       (getenv "LECTERN_INDEX")
       (expand-file-name "lectern" (or (getenv "XDG_DATA_HOME")
                                       "~/.local/share")))))

(defun lectern--socket-path ()
  "Return the path of the daemon's socket."
  (expand-file-name
   (or lectern-socket
       (if-let ((run (getenv "XDG_RUNTIME_DIR")))
           (expand-file-name "lectern/lectern.sock" run)
         (expand-file-name "run/lectern.sock" (lectern--index-directory))))))

;;;; JSON lines

(defun lectern--encode (request)
  "Return REQUEST, an alist, as one UTF-8 encoded JSON line."
  (encode-coding-string (concat (json-serialize request) "\n") 'utf-8 t))

(defun lectern--decode (line)
  "Return the alist for the JSON object in LINE, a unibyte UTF-8 string."
  (json-parse-string (decode-coding-string line 'utf-8 t)
                     :object-type 'alist :array-type 'list
                     :null-object nil :false-object :false))

(defun lectern--error-reply (code message)
  "Return a failed reply with error CODE and MESSAGE, as the daemon would."
  `((ok . :false) (error (code . ,code) (message . ,message))))

(defun lectern--dispatch (reply)
  "Call the callback waiting for REPLY's id, if any."
  (let* ((id (alist-get 'id reply))
         (callback (and id (gethash id lectern--callbacks))))
    (when callback
      (remhash id lectern--callbacks)
      (with-demoted-errors "lectern: error in callback: %S"
        (funcall callback reply)))))

(defun lectern--filter (_process output)
  "Split OUTPUT from the daemon into lines and dispatch each reply."
  (setq lectern--pending (concat lectern--pending output))
  (let (newline)
    (while (setq newline (string-search "\n" lectern--pending))
      (let ((line (substring lectern--pending 0 newline)))
        (setq lectern--pending (substring lectern--pending (1+ newline)))
        (condition-case err
            (lectern--dispatch (lectern--decode line))
          (json-error
           (message "lectern: bad reply from the daemon: %S" err)))))))

(defun lectern--fail-pending (why)
  "Answer every request still waiting with a `disconnected' error saying WHY."
  (let ((callbacks lectern--callbacks))
    (setq lectern--callbacks (make-hash-table :test 'eql))
    (maphash (lambda (_id callback)
               (with-demoted-errors "lectern: error in callback: %S"
                 (funcall callback (lectern--error-reply "disconnected" why))))
             callbacks)))

(defun lectern--sentinel (process event)
  "Forget PROCESS when the connection closes, failing its requests with EVENT."
  (unless (process-live-p process)
    (when (eq process lectern--process)
      (setq lectern--process nil
            lectern--pending ""))
    (lectern--fail-pending
     (format "the connection to the daemon closed (%s)" (string-trim event)))))

;;;; Connecting

(defun lectern--open (socket)
  "Connect to SOCKET; return the process, or nil if no daemon listens."
  (condition-case nil
      (make-network-process :name "lectern" :family 'local :service socket
                            :coding 'binary :noquery t
                            :filter #'lectern--filter
                            :sentinel #'lectern--sentinel)
    (file-error nil)))

(defun lectern--daemon-output ()
  "Return what the daemon this Emacs started printed, trimmed."
  (let ((buffer (and lectern--daemon (process-buffer lectern--daemon))))
    (if (buffer-live-p buffer)
        (with-current-buffer buffer (string-trim (buffer-string)))
      "")))

(defun lectern--spawn (socket)
  "Start `lectern serve' listening on SOCKET."
  (let ((buffer (get-buffer-create " *lectern-serve*")))
    (with-current-buffer buffer (erase-buffer))
    (setq lectern--daemon
          (condition-case err
              (make-process
               :name "lectern-serve" :buffer buffer :noquery t
               :connection-type 'pipe
               :command `(,lectern-program "serve"
                                           "--index" ,(lectern--index-directory)
                                           "--socket" ,socket
                                           ,@lectern-serve-arguments))
            (file-error
             (error "lectern: cannot run %s: %s" lectern-program
                    (error-message-string err)))))))

(defun lectern--start-and-open (socket)
  "Start the daemon on SOCKET and return a connection once it listens."
  (lectern--spawn socket)
  (let ((deadline (+ (float-time) lectern-timeout))
        process)
    (while (and (not (setq process (lectern--open socket)))
                (process-live-p lectern--daemon)
                (< (float-time) deadline))
      (accept-process-output lectern--daemon 0.05))
    (or process
        (error "lectern: the daemon did not start listening on %s%s" socket
               (let ((output (lectern--daemon-output)))
                 (if (string-empty-p output) "" (concat ": " output)))))))

(defun lectern--check-version (process)
  "Ping the daemon on PROCESS; signal an error unless it speaks our protocol."
  (let* ((reply (lectern--sync process '((op . "ping"))))
         (version (alist-get 'protocol reply)))
    (unless (and (eq (alist-get 'ok reply) t)
                 (eql version lectern-protocol-version))
      (delete-process process)
      (error "lectern: the daemon speaks protocol %s but lectern.el speaks %d; \
update lectern.el or the lectern program so they match"
             (or version "(none)") lectern-protocol-version))))

(defun lectern-connection ()
  "Return a live, version-checked connection to the daemon.
Start the daemon first if none answers and `lectern-start-daemon' is set."
  (if (process-live-p lectern--process)
      lectern--process
    (let* ((socket (lectern--socket-path))
           (process (or (lectern--open socket)
                        (if lectern-start-daemon
                            (lectern--start-and-open socket)
                          (error "lectern: no daemon listens on %s (run: %s serve)"
                                 socket lectern-program)))))
      (setq lectern--pending "")
      (lectern--check-version process)
      (setq lectern--process process))))

(defun lectern-disconnect ()
  "Close the connection to the daemon.
A daemon this Emacs started goes on running until Emacs exits."
  (interactive)
  (when (process-live-p lectern--process)
    (delete-process lectern--process))
  (setq lectern--process nil))

;;;; Requests

(defun lectern--send (process request callback)
  "Send REQUEST (an alist without id) on PROCESS; CALLBACK gets the reply."
  (let ((id (setq lectern--next-id (1+ lectern--next-id))))
    (puthash id callback lectern--callbacks)
    (process-send-string process (lectern--encode (cons (cons 'id id) request)))
    id))

(defun lectern--sync (process request)
  "Send REQUEST on PROCESS and return the reply, waiting `lectern-timeout'."
  (let* ((reply nil)
         (id (lectern--send process request (lambda (r) (setq reply r))))
         (deadline (+ (float-time) lectern-timeout)))
    (while (and (not reply) (process-live-p process)
                (< (float-time) deadline))
      (accept-process-output process 0.05))
    (or reply
        (progn
          (remhash id lectern--callbacks)
          (if (process-live-p process)
              (error "lectern: no reply from the daemon within %s seconds"
                     lectern-timeout)
            (error "lectern: the connection to the daemon closed"))))))

(defun lectern-request (request callback)
  "Send REQUEST, an alist such as ((op . \"ping\")), to the daemon.
CALLBACK is called with the reply, an alist, when it arrives; a reply
whose `ok' is :false carries an `error' alist with `code' and `message'.
Return the request's id."
  (lectern--send (lectern-connection) request callback))

(defun lectern-request-sync (request)
  "Send REQUEST to the daemon and return its reply (see `lectern-request').
Wait at most `lectern-timeout' seconds.  Signal an error if the daemon
replies with an error."
  (let ((reply (lectern--sync (lectern-connection) request)))
    (unless (eq (alist-get 'ok reply) t)
      (let ((err (alist-get 'error reply)))
        (error "lectern: %s (%s)" (alist-get 'message err)
               (alist-get 'code err))))
    reply))

;;;; Columns

(defun lectern--byte-to-char-column (line byte-col)
  "Return the 1-based character column in LINE of 1-based BYTE-COL."
  (let ((bytes (encode-coding-string line 'utf-8 t)))
    (1+ (length (decode-coding-string
                 (substring bytes 0 (min (length bytes) (max 0 (1- byte-col))))
                 'utf-8 t)))))

(defun lectern--line-text (path line cache)
  "Return line LINE of file PATH, or nil if it cannot be read.
A buffer visiting PATH is preferred, since that is where a jump lands.
CACHE is a hash table path -> buffer text shared by one rendering."
  (let ((text (or (gethash path cache)
                  (puthash path
                           (if-let ((buffer (find-buffer-visiting path)))
                               (with-current-buffer buffer
                                 (save-restriction
                                   (widen)
                                   (buffer-substring-no-properties
                                    (point-min) (point-max))))
                             (with-temp-buffer
                               (condition-case nil
                                   (let ((coding-system-for-read 'utf-8))
                                     (insert-file-contents path)
                                     (buffer-string))
                                 (file-error ""))))
                           cache))))
    (with-temp-buffer
      (insert text)
      (goto-char (point-min))
      (when (zerop (forward-line (1- line)))
        (buffer-substring-no-properties (point) (line-end-position))))))

(defun lectern--char-column (hit cache)
  "Return the 1-based character column of HIT's match in its file.
Fall back to the byte column when the line cannot be read.  CACHE is
passed to `lectern--line-text'."
  (let* ((byte-col (or (alist-get 'col hit) 1))
         (text (lectern--line-text (alist-get 'path hit)
                                   (or (alist-get 'line hit) 1) cache)))
    (if text (lectern--byte-to-char-column text byte-col) byte-col)))

;;;; Results buffer

(defun lectern--hit-file ()
  "The file of the hit matched by the results regexp, for compilation."
  (plist-get (get-text-property (match-beginning 0) 'lectern-hit) :path))

(defun lectern--hit-column ()
  "The character column of the hit matched by the results regexp."
  (plist-get (get-text-property (match-beginning 0) 'lectern-hit) :column))

(defconst lectern--error-regexp
  '("^\\([^\n]+?\\):\\([0-9]+\\):\\([0-9]+\\): "
    lectern--hit-file 2 lectern--hit-column nil nil
    (1 compilation-info-face) (3 compilation-column-face))
  "How `lectern-results-mode' finds the hits.
Their file and column come from text properties, since the column
shown is in bytes.")

(define-derived-mode lectern-results-mode grep-mode "Lectern"
  "Major mode for the passages found by `lectern-find'.
\\<lectern-results-mode-map>RET visits a passage at the matched line and column.
\\{lectern-results-mode-map}"
  (setq-local compilation-error-regexp-alist (list lectern--error-regexp))
  (setq-local compilation-error-screen-columns nil)
  (setq-local compilation-first-column 1)
  (setq-local revert-buffer-function #'lectern--revert))

(defun lectern--highlight (start snippet highlights)
  "Put face `lectern-match' on SNIPPET's HIGHLIGHTS; SNIPPET begins at START.
Each of HIGHLIGHTS is a (BYTE-OFFSET BYTE-LENGTH) pair into SNIPPET."
  (dolist (h highlights)
    (let ((from (1- (lectern--byte-to-char-column snippet (1+ (car h)))))
          (to (1- (lectern--byte-to-char-column
                   snippet (+ 1 (car h) (cadr h))))))
      (overlay-put (make-overlay (+ start from) (+ start to)) 'face
                   'lectern-match))))

(defun lectern--insert-hit (hit cache)
  "Insert one line for HIT: \"path:line:col: snippet\".  CACHE as above."
  (let* ((start (point))
         (snippet (replace-regexp-in-string
                   "\n" " " (or (alist-get 'snippet hit) "")))
         (prefix (format "%s:%d:%d: "
                         (or (alist-get 'shown_path hit) (alist-get 'path hit))
                         (or (alist-get 'line hit) 1)
                         (or (alist-get 'col hit) 1))))
    (insert prefix snippet
            (if (eq (alist-get 'stale hit) t) "  [stale]" "")
            ;; a fallback hit holds only some of the query's words: it
            ;; must not pass for a match (docs/query-language.md)
            (if (eq (alist-get 'fallback hit) t) "  [some words]" "")
            "\n")
    (put-text-property start (point) 'lectern-hit
                       (list :path (alist-get 'path hit)
                             :column (lectern--char-column hit cache)))
    (lectern--highlight (+ start (length prefix)) snippet
                        (alist-get 'highlights hit))))

(defun lectern--render (buffer query reply)
  "Fill BUFFER with the hits in REPLY to QUERY; return BUFFER."
  (with-current-buffer buffer
    (let ((inhibit-read-only t)
          (hits (alist-get 'hits reply))
          (cache (make-hash-table :test 'equal)))
      (lectern-results-mode)
      (remove-overlays)
      (erase-buffer)
      (setq lectern--query query)
      (insert (format "lectern find %S: %d of %d passages\n"
                      query (length hits) (or (alist-get 'total reply) 0)))
      ;; said before the hits, which it explains: a misspelt word among
      ;; others leaves a fallback below
      (when-let ((suggestion (alist-get 'suggestion reply)))
        (insert (format "Did you mean: %s\n" suggestion)))
      (when (and hits (eq (alist-get 'fallback reply) t))
        (insert "No passage matches the whole query; "
                "passages matching some of its words:\n"))
      (insert "\n")
      (dolist (hit hits)
        (lectern--insert-hit hit cache))
      (unless hits (insert "No passage matches.\n"))
      (setq buffer-read-only t)
      (goto-char (point-min))
      (set-buffer-modified-p nil)
      buffer)))

(defun lectern--revert (&rest _)
  "Run this buffer's query again."
  (lectern-find lectern--query))

(defun lectern--default-query ()
  "The active region's text, or the word at point, or nil."
  (if (use-region-p)
      (string-trim (buffer-substring-no-properties (region-beginning)
                                                   (region-end)))
    (thing-at-point 'word t)))

(defun lectern--find-request (query)
  "The find request for QUERY."
  `((op . "find") (query . ,query) (limit . ,lectern-limit)
    (implicit_phrase . ,(if lectern-implicit-phrase t :false))))

;;;###autoload
(defun lectern-find (query)
  "Search the notes for QUERY and list the passages in a `grep-mode' buffer.
Several bare words are one phrase when `lectern-implicit-phrase' is set;
see docs/query-language.md for the rest (OR, NOT, title:, year: ...).
Start the daemon if it is not running.  Return the results buffer."
  (interactive
   (let ((default (lectern--default-query)))
     (list (read-string (format-prompt "lectern find" default)
                        nil 'lectern-find-history default))))
  (when (string-empty-p (string-trim query))
    (user-error "lectern: the query is empty"))
  (let* ((reply (lectern-request-sync (lectern--find-request query)))
         (buffer (lectern--render (get-buffer-create lectern-results-buffer-name)
                                  query reply)))
    (setq next-error-last-buffer buffer)
    (display-buffer buffer)
    (message (if (eq (alist-get 'fallback reply) t)
                 "lectern: no passage matches the whole query; %d match some of its words"
               "lectern: %d passages")
             (or (alist-get 'total reply) 0))
    buffer))

;;;###autoload
(defun lectern-find-at-point (&optional edit)
  "Search the notes for the active region, or else the word at point.
With a prefix argument EDIT, edit the query first."
  (interactive "P")
  (let ((query (lectern--default-query)))
    (when (or edit (null query))
      (setq query (read-string (format-prompt "lectern find" query)
                               nil 'lectern-find-history query)))
    (lectern-find query)))

(provide 'lectern)

;;; lectern.el ends here
