/* xap-db.cc - a database handle of xap.h: opening (local, remote, several
 * combined), reopening, closing, transactions and commits, compaction, and
 * the statistics Xapian keeps of it. */
#include "xap-int.h"

using namespace xap_impl;

namespace
{

/* A writer is closed explicitly so that its lock goes now, even while an
 * MSet still refers to it (that MSet's documents then fail). A reader is
 * only released: MSets keep its shards open until they are freed. */
void close_db(xap_db *db) noexcept
{
	if (db->writable) {
		try {
			db->db->close();
		} catch (...) {
			/* the destructor below releases what close() could not */
		}
	}
	delete db->db; /* virtual ~Database; ~WritableDatabase swallows errors */
	db->db = nullptr;
	db->parts.clear();
	forget_docs(db);
	db->writable = false;
}

} // namespace

XAP_API xap_db *xap_db_new(void)
{
	/* not new (std::nothrow): its members' constructors allocate, and
	 * their bad_alloc would still come through */
	try {
		return new xap_db;
	} catch (...) {
		return nullptr;
	}
}

XAP_API lec_status xap_db_open(xap_db *db, const char *path, enum xap_open_mode mode)
{
	if (!db)
		return LEC_EINVAL;
	if (!path)
		return fail(&db->err, LEC_EINVAL, "xap_db_open: NULL path");
	if (db->db)
		return fail(&db->err, LEC_EINVAL, "xap_db_open: handle is already open");
	return guard(&db->err, [&]() -> lec_status {
		int action;

		const int no_sync = (enum_bits(mode) & XAP_OPEN_NO_SYNC) ? Xapian::DB_NO_SYNC : 0;

		switch (enum_bits(mode) & ~XAP_OPEN_NO_SYNC) {
		case XAP_OPEN_READ:
			db->db = new Xapian::Database(path);
			db->writable = false;
			return LEC_OK;
		case XAP_OPEN_WRITE:
			action = Xapian::DB_OPEN;
			break;
		case XAP_OPEN_CREATE:
			action = Xapian::DB_CREATE_OR_OPEN;
			break;
		case XAP_OPEN_OVERWRITE:
			action = Xapian::DB_CREATE_OR_OVERWRITE;
			break;
		default:
			return fail(&db->err, LEC_EINVAL, "xap_db_open: bad mode");
		}
		db->db = new Xapian::WritableDatabase(path, action | no_sync);
		db->writable = true;
		return LEC_OK;
	});
}

XAP_API lec_status xap_db_add_database(xap_db *db, const char *path)
{
	lec_status st = need_open(db);

	if (st != LEC_OK)
		return st;
	if (db->writable)
		return fail(&db->err, LEC_EINVAL,
			    "xap_db_add_database: only read-only handles take more databases");
	if (!path)
		return fail(&db->err, LEC_EINVAL, "xap_db_add_database: NULL path");
	return guard(&db->err, [&]() -> lec_status {
		db->db->add_database(Xapian::Database(path));
		return LEC_OK;
	});
}

XAP_API lec_status xap_db_open_remote(xap_db *db, const char *host, unsigned port,
				      unsigned timeout_ms, unsigned connect_timeout_ms)
{
	if (!db)
		return LEC_EINVAL;
	if (!host || port == 0 || port > 65535)
		return fail(&db->err, LEC_EINVAL, "xap_db_open_remote: bad host or port");
	if (db->db)
		return fail(&db->err, LEC_EINVAL, "xap_db_open_remote: handle is already open");
	return guard(&db->err, [&]() -> lec_status {
		db->db = new Xapian::Database(
			Xapian::Remote::open(host, port, timeout_ms, connect_timeout_ms));
		db->writable = false;
		return LEC_OK;
	});
}

XAP_API lec_status xap_db_add_db(xap_db *db, const xap_db *src)
{
	if (!db)
		return LEC_EINVAL;
	if (!src || !src->db)
		return fail(&db->err, LEC_EINVAL, "xap_db_add_db: source is not open");
	if (db->writable)
		return fail(&db->err, LEC_EINVAL,
			    "xap_db_add_db: only read-only handles take more databases");
	return guard(&db->err, [&]() -> lec_status {
		if (!db->db)
			db->db = new Xapian::Database();
		if (src->parts.empty())
			db->parts.push_back(*src->db);
		else
			db->parts.insert(db->parts.end(), src->parts.begin(), src->parts.end());
		db->db->add_database(*src->db);
		forget_docs(db); /* docids are numbered anew over the databases */
		return LEC_OK;
	});
}

XAP_API lec_status xap_db_reopen(xap_db *db)
{
	lec_status st = need_open(db);

	if (st != LEC_OK)
		return st;
	return guard(&db->err, [&]() -> lec_status {
		/* false: the database cannot have changed, and what the handle
		 * read of it stands (xap_db::doc, values) */
		bool changed = true;
		try {
			changed = db->db->reopen();
		} catch (...) {
			forget_docs(db);
			throw;
		}
		if (changed)
			forget_docs(db);
		return LEC_OK;
	});
}

/* The handle is closed even when the final commit fails; that failure is
 * still returned (pending changes are then lost). */
XAP_API lec_status xap_db_close(xap_db *db)
{
	lec_status st = need_open(db);

	if (st != LEC_OK)
		return st;
	if (db->writable)
		st = guard(&db->err, [&]() -> lec_status {
			wdb(db).commit();
			return LEC_OK;
		});
	close_db(db);
	return st;
}

XAP_API void xap_db_free(xap_db *db)
{
	if (!db)
		return;
	if (db->db)
		close_db(db); /* ~WritableDatabase commits outside a transaction */
	delete db;
}

XAP_API const char *xap_db_error(const xap_db *db)
{
	return db ? db->err.c_str() : "";
}

/* Transactions are "flushed" (begin_transaction(true)): changes pending
 * before the transaction are committed first, and commit_transaction makes
 * the transaction's changes durable and visible to readers at once. An
 * unflushed one would leave them pending until the next commit and a cancel
 * would also discard changes made before it. */
XAP_API lec_status xap_db_begin_transaction(xap_db *db)
{
	return on_writer(db, [](Xapian::WritableDatabase &w) { w.begin_transaction(true); });
}

XAP_API lec_status xap_db_commit_transaction(xap_db *db)
{
	return on_writer(db, [](Xapian::WritableDatabase &w) { w.commit_transaction(); });
}

XAP_API lec_status xap_db_cancel_transaction(xap_db *db)
{
	return on_writer(db, [](Xapian::WritableDatabase &w) { w.cancel_transaction(); });
}

XAP_API lec_status xap_db_commit(xap_db *db)
{
	return on_writer(db, [](Xapian::WritableDatabase &w) { w.commit(); });
}

XAP_API lec_status xap_db_compact(xap_db *db, const char *out_dir)
{
	lec_status st = need_open(db);

	if (st != LEC_OK)
		return st;
	if (!out_dir || !*out_dir)
		return fail(&db->err, LEC_EINVAL, "xap_db_compact: no output directory");
	return guard(&db->err, [&]() -> lec_status {
		db->db->compact(out_dir, Xapian::DBCOMPACT_NO_RENUMBER);
		return LEC_OK;
	});
}

/* ---- statistics --------------------------------------------------------- */

XAP_API lec_status xap_db_doccount(xap_db *db, uint32_t *out)
{
	return on_reader(db, out, "xap_db_doccount: NULL argument",
			 [&] { *out = db->db->get_doccount(); });
}

XAP_API lec_status xap_db_lastdocid(xap_db *db, xap_docid *out)
{
	return on_reader(db, out, "xap_db_lastdocid: NULL argument",
			 [&] { *out = db->db->get_lastdocid(); });
}

XAP_API lec_status xap_db_avlength(xap_db *db, double *out)
{
	return on_reader(db, out, "xap_db_avlength: NULL argument",
			 [&] { *out = db->db->get_avlength(); });
}

XAP_API lec_status xap_db_termfreq(xap_db *db, const char *term, size_t len, uint32_t *out)
{
	return on_term(db, term, len, out, "xap_db_termfreq: NULL argument",
		       [&] { *out = db->db->get_termfreq(bytes(term, len)); });
}

XAP_API lec_status xap_db_collection_freq(xap_db *db, const char *term, size_t len, uint64_t *out)
{
	return on_term(db, term, len, out, "xap_db_collection_freq: NULL argument",
		       [&] { *out = db->db->get_collection_freq(bytes(term, len)); });
}

XAP_API lec_status xap_db_term_exists(xap_db *db, const char *term, size_t len, int *out)
{
	return on_term(db, term, len, out, "xap_db_term_exists: NULL argument",
		       [&] { *out = db->db->term_exists(bytes(term, len)) ? 1 : 0; });
}

/* Xapian 1.4 has a revision only for a single glass/chert shard. */
XAP_API lec_status xap_db_revision(xap_db *db, uint64_t *out)
{
	return on_reader(db, out, "xap_db_revision: NULL argument",
			 [&] { *out = db->db->size() == 1 ? db->db->get_revision() : 0; });
}
