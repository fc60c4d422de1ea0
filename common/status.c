/* status.c - names for lec_status values. */
#include "status.h"

static const char *const status_names[LEC_STATUS_COUNT] = {
	[LEC_OK] = "success",
	[LEC_ENOMEM] = "out of memory",
	[LEC_EINVAL] = "invalid argument",
	[LEC_EIO] = "input/output error",
	[LEC_ENOTFOUND] = "not found",
	[LEC_ELOCKED] = "index is locked by another writer",
	[LEC_EMODIFIED] = "index was modified; reopen and retry",
	[LEC_ECORRUPT] = "index or record is corrupt",
	[LEC_EVERSION] = "index format version mismatch",
	[LEC_ELIMIT] = "input exceeds a limit",
	[LEC_ESYNTAX] = "syntax error",
	[LEC_ENETWORK] = "network error (remote shard)",
	[LEC_EUNIMPL] = "not implemented by the backend",
	[LEC_EXAPIAN] = "Xapian error",
	[LEC_EINTERNAL] = "internal error",
	[LEC_ESTOP] = "stopped",
	[LEC_EPERM] = "permission denied",
	[LEC_ETIMEOUT] = "out of time",
};

const char *lec_status_str(lec_status st)
{
	if ((unsigned)st >= LEC_STATUS_COUNT)
		return "unknown status";
	return status_names[st];
}
