/* status.h - the one status enum every lectern module returns.
 *
 * Library code (the internals of common/, indexer/, searcher/, daemon/ and
 * lsp/) never prints and never exits: it returns one of these, and keeps a
 * message on its handle.
 * Only main() and the cmd-*.c files turn statuses into messages and exit codes.
 */
#ifndef LECTERN_STATUS_H
#define LECTERN_STATUS_H

typedef enum lec_status {
	LEC_OK = 0,
	LEC_ENOMEM,    /* an allocation failed (including std::bad_alloc) */
	LEC_EINVAL,    /* a caller passed a bad argument */
	LEC_EIO,       /* a system call failed; errno-style message kept */
	LEC_ENOTFOUND, /* no such document, term, key, file or database */
	LEC_ELOCKED,   /* another writer holds the index (DatabaseLockError) */
	LEC_EMODIFIED, /* the index changed under a reader: reopen and retry */
	LEC_ECORRUPT,  /* the index or a stored record is damaged */
	LEC_EVERSION,  /* the index was written by another format version */
	LEC_ELIMIT,    /* an input passed one of the bounds in limits.h */
	LEC_ESYNTAX,   /* a query (or other input) could not be parsed */
	LEC_ENETWORK,  /* a remote shard failed (Xapian::NetworkError) */
	LEC_EUNIMPL,   /* the backend cannot do this (UnimplementedError) */
	LEC_EXAPIAN,   /* any other Xapian::Error */
	LEC_EINTERNAL, /* an unexpected C++ exception or a broken invariant */
	LEC_ESTOP,     /* a callback asked to stop early (not an error to report) */
	LEC_EPERM,     /* refused: permission denied, or a peer or path we do not trust */
	LEC_ETIMEOUT,  /* a time budget ran out (a search past its deadline) */
	LEC_STATUS_COUNT
} lec_status;

/* A static, human-readable name for a status ("out of memory"...). */
const char *lec_status_str(lec_status st);

#endif
