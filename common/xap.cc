/* xap.cc - the C API over libxapian (see xap.h), lectern's only C++ file.
 *
 * No exception ever leaves an extern "C" function: each runs its body
 * through guard() (or qguard()), which turns any exception into a lec_status
 * (translate()) and keeps the message on the handle. The file is built with
 * -fvisibility=hidden; only functions marked XAP_API are exported, and
 * tests/unit/check-xap-symbols.sh checks that they are exactly xap.h's.
 */
#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>
#include <utility>
#include <vector>

#include "limits.h"
#include "xap.h"

/* Exported and promised not to throw. The header's prototypes carry no
 * noexcept (C++17 makes a later noexcept a conflicting declaration), so
 * GCC's nothrow attribute says it instead; guard() is what keeps it true. */
#define XAP_API __attribute__((visibility("default"), nothrow))

struct xap_db {
	/* A WritableDatabase when `writable`: it is a Database, so one
	 * pointer to the base serves readers and writers. NULL when closed. */
	Xapian::Database *db = nullptr;
	bool writable = false;
	/* The databases xap_db_add_db combined into `db`, each on its own: they
	 * share Xapian's internals with `db` (a reopen of `db` reopens them),
	 * and answer what a combined handle answers from its first database
	 * only (metadata). Empty for a handle opened on one database. */
	std::vector<Xapian::Database> parts;
	/* The documents read last, on a read-only handle: a search reads a
	 * note's passage table, then (ranking a tier of notes) the records and
	 * data of its passages, and Xapian's remote backend sends the whole
	 * document at each get_document. Dropped at reopen and close. */
	static constexpr unsigned DOC_CACHE = 32;
	Xapian::Document doc[DOC_CACHE];
	Xapian::docid doc_id[DOC_CACHE] = {};
	unsigned doc_next = 0; /* the slot to replace */
	/* what a dropped slot holds: a Document's constructor allocates,
	 * copying one does not, and forget_docs must not throw */
	Xapian::Document blank;
	std::string err;
};

struct xap_doc {
	Xapian::Document doc;
	lec_status st = LEC_OK; /* sticky: first failure of a building call */
	std::string err;
};

struct xap_query {
	Xapian::Query q; /* refcounted by Xapian: combining copies it */
};

struct xap_mset {
	Xapian::MSet mset; /* keeps the database's internals alive */
};

namespace
{

/* Store `m` as the message; a failed allocation leaves the message empty
 * rather than throwing out of a catch block. */
void set_msg(std::string *msg, const char *m) noexcept
{
	if (!msg)
		return;
	try {
		*msg = m;
	} catch (...) {
		msg->clear();
	}
}

void set_xapian_msg(std::string *msg, const Xapian::Error &e) noexcept
{
	if (!msg)
		return;
	try {
		*msg = e.get_description();
	} catch (...) {
		msg->clear();
	}
}

/* DatabaseOpeningError carries errno only as text: ENOENT means the path
 * is missing, anything else is an I/O failure. */
lec_status opening_status(const Xapian::DatabaseOpeningError &e) noexcept
{
	const char *es = e.get_error_string();

	if (es && std::strcmp(es, std::strerror(ENOENT)) == 0)
		return LEC_ENOTFOUND;
	return LEC_EIO;
}

/* Call only inside a catch block: rethrows the current exception and maps
 * it to a status. Subclasses are caught before their bases. */
lec_status translate(std::string *msg) noexcept
{
	try {
		throw;
	} catch (const Xapian::DatabaseModifiedError &e) {
		set_xapian_msg(msg, e);
		return LEC_EMODIFIED;
	} catch (const Xapian::DatabaseLockError &e) {
		set_xapian_msg(msg, e);
		return LEC_ELOCKED;
	} catch (const Xapian::DatabaseNotFoundError &e) {
		set_xapian_msg(msg, e);
		return LEC_ENOTFOUND;
	} catch (const Xapian::DatabaseVersionError &e) {
		set_xapian_msg(msg, e);
		return LEC_EVERSION;
	} catch (const Xapian::DatabaseOpeningError &e) {
		set_xapian_msg(msg, e);
		return opening_status(e);
	} catch (const Xapian::DatabaseCreateError &e) {
		set_xapian_msg(msg, e);
		return LEC_EIO;
	} catch (const Xapian::DatabaseCorruptError &e) {
		set_xapian_msg(msg, e);
		return LEC_ECORRUPT;
	} catch (const Xapian::DatabaseClosedError &e) {
		set_xapian_msg(msg, e);
		return LEC_EINVAL;
	} catch (const Xapian::DatabaseError &e) {
		/* what is left of DatabaseError: a table that cannot be read as
		 * a B-tree ("EOF reading block 4"), i.e. damage */
		set_xapian_msg(msg, e);
		return LEC_ECORRUPT;
	} catch (const Xapian::DocNotFoundError &e) {
		set_xapian_msg(msg, e);
		return LEC_ENOTFOUND;
	} catch (const Xapian::InvalidArgumentError &e) {
		set_xapian_msg(msg, e);
		return LEC_EINVAL;
	} catch (const Xapian::InvalidOperationError &e) {
		set_xapian_msg(msg, e);
		return LEC_EINVAL;
	} catch (const Xapian::NetworkError &e) {
		set_xapian_msg(msg, e);
		return LEC_ENETWORK;
	} catch (const Xapian::UnimplementedError &e) {
		set_xapian_msg(msg, e);
		return LEC_EUNIMPL;
	} catch (const Xapian::FeatureUnavailableError &e) {
		set_xapian_msg(msg, e);
		return LEC_EUNIMPL;
	} catch (const Xapian::Error &e) {
		set_xapian_msg(msg, e);
		return LEC_EXAPIAN;
	} catch (const std::bad_alloc &) {
		set_msg(msg, "out of memory");
		return LEC_ENOMEM;
	} catch (const std::exception &e) {
		set_msg(msg, e.what());
		return LEC_EINTERNAL;
	} catch (...) {
		set_msg(msg, "unknown C++ exception");
		return LEC_EINTERNAL;
	}
}

/* Run `f` (returning lec_status), turning any exception into a status and
 * the message into *msg. The one place exceptions stop. */
template <class F> lec_status guard(std::string *msg, F f) noexcept
{
	try {
		return f();
	} catch (...) {
		return translate(msg);
	}
}

lec_status fail(std::string *msg, lec_status st, const char *m) noexcept
{
	set_msg(msg, m);
	return st;
}

/* A C caller may pass any int as an enum; in C++ loading an out-of-range
 * value of an enum without a fixed type is undefined, so read the bytes. */
template <class E> std::underlying_type_t<E> enum_bits(const E &e) noexcept
{
	std::underlying_type_t<E> v;

	static_assert(sizeof(v) == sizeof(e), "enum size");
	std::memcpy(&v, &e, sizeof(v));
	return v;
}

/* A byte string argument: NULL is allowed only with length 0. */
bool bytes_ok(const char *p, size_t len) noexcept
{
	return p || len == 0;
}

std::string bytes(const char *p, size_t len)
{
	return len ? std::string(p, len) : std::string();
}

/* Common checks of a database call; NULL db cannot hold a message. */
lec_status need_open(xap_db *db) noexcept
{
	if (!db)
		return LEC_EINVAL;
	if (!db->db)
		return fail(&db->err, LEC_EINVAL, "database is not open");
	return LEC_OK;
}

lec_status need_writable(xap_db *db) noexcept
{
	lec_status st = need_open(db);

	if (st != LEC_OK)
		return st;
	if (!db->writable)
		return fail(&db->err, LEC_EINVAL, "database is open read-only");
	return LEC_OK;
}

Xapian::WritableDatabase &wdb(xap_db *db)
{
	return *static_cast<Xapian::WritableDatabase *>(db->db);
}

/* Copy `s` into a malloc'd NUL-terminated buffer; `len` may be NULL. */
lec_status dup_out(xap_db *db, const std::string &s, char **out, size_t *len) noexcept
{
	char *p = static_cast<char *>(std::malloc(s.size() + 1));

	if (!p)
		return fail(db ? &db->err : nullptr, LEC_ENOMEM, "out of memory");
	std::memcpy(p, s.data(), s.size());
	p[s.size()] = '\0';
	*out = p;
	if (len)
		*len = s.size();
	return LEC_OK;
}

/* Copy a vector into a malloc'd array (NULL when empty). */
template <class T>
lec_status vec_out(xap_db *db, const std::vector<T> &v, T **out, size_t *n) noexcept
{
	if (v.empty())
		return LEC_OK;
	T *p = static_cast<T *>(std::malloc(v.size() * sizeof(T)));
	if (!p)
		return fail(&db->err, LEC_ENOMEM, "out of memory");
	std::memcpy(p, v.data(), v.size() * sizeof(T));
	*out = p;
	*n = v.size();
	return LEC_OK;
}

/* need_open plus a non-NULL out-parameter; `what` is the message. */
lec_status need_out(xap_db *db, const void *out, const char *what) noexcept
{
	lec_status st = need_open(db);

	if (st != LEC_OK)
		return st;
	if (!out)
		return fail(&db->err, LEC_EINVAL, what);
	return LEC_OK;
}

/* need_out plus a byte string argument. */
lec_status need_term(xap_db *db, const char *term, size_t len, const void *out,
		     const char *what) noexcept
{
	lec_status st = need_out(db, out, what);

	if (st != LEC_OK)
		return st;
	if (!bytes_ok(term, len))
		return fail(&db->err, LEC_EINVAL, what);
	return LEC_OK;
}

/* The shapes of most calls: check the arguments, then run `f` (returning
 * void) under guard(). */
template <class F> lec_status on_reader(xap_db *db, const void *out, const char *what, F f) noexcept
{
	lec_status st = need_out(db, out, what);

	if (st != LEC_OK)
		return st;
	return guard(&db->err, [&]() -> lec_status {
		f();
		return LEC_OK;
	});
}

template <class F>
lec_status on_term(xap_db *db, const char *term, size_t len, const void *out, const char *what,
		   F f) noexcept
{
	lec_status st = need_term(db, term, len, out, what);

	if (st != LEC_OK)
		return st;
	return guard(&db->err, [&]() -> lec_status {
		f();
		return LEC_OK;
	});
}

/* Calls that hand back a string: `f` returns it, dup_out() copies it. */
template <class F>
lec_status on_string(xap_db *db, char **out, size_t *len, const char *what, F f) noexcept
{
	lec_status st = need_out(db, out, what);

	if (st != LEC_OK)
		return st;
	*out = nullptr;
	return guard(&db->err, [&]() -> lec_status { return dup_out(db, f(), out, len); });
}

template <class F> lec_status on_writer(xap_db *db, F f) noexcept
{
	lec_status st = need_writable(db);

	if (st != LEC_OK)
		return st;
	return guard(&db->err, [&]() -> lec_status {
		f(wdb(db));
		return LEC_OK;
	});
}

/* A writer is closed explicitly so that its lock goes now, even while an
 * MSet still refers to it (that MSet's documents then fail). A reader is
 * only released: MSets keep its shards open until they are freed. */
void forget_docs(xap_db *db) noexcept
{
	for (unsigned i = 0; i < xap_db::DOC_CACHE; i++) {
		db->doc[i] = db->blank;
		db->doc_id[i] = 0;
	}
}

/* Document `docid`, from the handle's cache when it can be (a writable
 * handle's documents change under it: never cached). */
const Xapian::Document &read_doc(xap_db *db, Xapian::docid docid)
{
	unsigned slot = 0;
	if (!db->writable)
		for (unsigned i = 0; i < xap_db::DOC_CACHE; i++)
			if (db->doc_id[i] == docid)
				return db->doc[i];
	if (!db->writable) {
		slot = db->doc_next;
		db->doc_next = (db->doc_next + 1) % xap_db::DOC_CACHE;
	}
	db->doc_id[slot] = 0;
	db->doc[slot] = db->db->get_document(docid);
	db->doc_id[slot] = db->writable ? 0 : docid;
	return db->doc[slot];
}

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

/* ---- databases ---------------------------------------------------------- */

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
		forget_docs(db);
		db->db->reopen();
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

namespace
{

/* The table Xapian's check was reading when it stopped or complained:
 * the last "NAME:" header line of its report before `upto`. */
std::string checked_table(const std::string &report, size_t upto)
{
	std::string table;
	size_t pos = 0;
	while (pos < upto && pos < report.size()) {
		size_t nl = report.find('\n', pos);
		if (nl == std::string::npos)
			nl = report.size();
		std::string line = report.substr(pos, nl - pos);
		if (!line.empty() && line.back() == ':' && line.find(' ') == std::string::npos)
			table = line.substr(0, line.size() - 1);
		pos = nl + 1;
	}
	return table;
}

/* The first line of the report that says something is wrong. */
size_t first_problem(const std::string &report)
{
	size_t pos = 0;
	while (pos < report.size()) {
		size_t nl = report.find('\n', pos);
		if (nl == std::string::npos)
			nl = report.size();
		std::string line = report.substr(pos, nl - pos);
		if (line.find("rror") != std::string::npos ||
		    line.find("not in sorted") != std::string::npos ||
		    line.find("orrupt") != std::string::npos)
			return pos;
		pos = nl + 1;
	}
	return std::string::npos;
}

} // namespace

XAP_API lec_status xap_check(const char *path, size_t *errors, char **what, char **table)
{
	if (!path || !errors)
		return LEC_EINVAL;
	*errors = 0;
	if (what)
		*what = nullptr;
	if (table)
		*table = nullptr;
	std::ostringstream out;
	std::string why;
	try {
		*errors = Xapian::Database::check(path, 0, &out);
	} catch (const Xapian::DatabaseOpeningError &e) {
		why = e.get_type() + std::string(": ") + e.get_msg();
		*errors = 1;
	} catch (const Xapian::Error &e) {
		/* a check that cannot go on (a truncated file, a block out of
		 * order) is damage too */
		why = e.get_msg();
		*errors = 1;
	} catch (const std::bad_alloc &) {
		return LEC_ENOMEM;
	} catch (...) {
		why = "unknown C++ exception";
		*errors = 1;
	}
	if (!*errors)
		return LEC_OK;
	try {
		std::string report = out.str();
		size_t at = why.empty() ? first_problem(report) : report.size();
		if (why.empty() && at != std::string::npos) {
			size_t nl = report.find('\n', at);
			why = report.substr(at,
					    nl == std::string::npos ? std::string::npos : nl - at);
		}
		std::string t = checked_table(report, at == std::string::npos ? report.size() : at);
		if (!t.empty())
			t += ".glass";
		if (what && !(*what = strdup(why.empty() ? "damaged" : why.c_str())))
			return LEC_ENOMEM;
		if (table && !t.empty() && !(*table = strdup(t.c_str())))
			return LEC_ENOMEM;
	} catch (...) {
		return LEC_ENOMEM;
	}
	return LEC_OK;
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

XAP_API lec_status xap_db_allterms(xap_db *db, const char *prefix, size_t plen, xap_term_cb cb,
				   void *ctx)
{
	lec_status st = need_open(db);

	if (st != LEC_OK)
		return st;
	if (!cb || !bytes_ok(prefix, plen))
		return fail(&db->err, LEC_EINVAL, "xap_db_allterms: NULL argument");
	return guard(&db->err, [&]() -> lec_status {
		std::string pfx = bytes(prefix, plen);
		Xapian::TermIterator end = db->db->allterms_end(pfx);

		for (Xapian::TermIterator it = db->db->allterms_begin(pfx); it != end; ++it) {
			const std::string term = *it;
			if (cb(ctx, term.data(), term.size(), it.get_termfreq()))
				return LEC_ESTOP;
		}
		return LEC_OK;
	});
}

XAP_API lec_status xap_db_positions(xap_db *db, xap_docid docid, const char *term, size_t len,
				    uint32_t **out, size_t *n)
{
	lec_status st = need_term(db, term, len, out, "xap_db_positions: NULL argument");

	if (st != LEC_OK)
		return st;
	if (!n)
		return fail(&db->err, LEC_EINVAL, "xap_db_positions: NULL argument");
	*out = nullptr;
	*n = 0;
	return guard(&db->err, [&]() -> lec_status {
		const std::string t = bytes(term, len);
		Xapian::PositionIterator end = db->db->positionlist_end(docid, t);
		std::vector<uint32_t> v;

		for (Xapian::PositionIterator it = db->db->positionlist_begin(docid, t); it != end;
		     ++it)
			v.push_back(*it);
		return vec_out(db, v, out, n);
	});
}

XAP_API lec_status xap_db_postings(xap_db *db, const char *term, size_t len, xap_docid **out,
				   size_t *n)
{
	lec_status st = need_term(db, term, len, out, "xap_db_postings: NULL argument");

	if (st != LEC_OK)
		return st;
	if (!n)
		return fail(&db->err, LEC_EINVAL, "xap_db_postings: NULL argument");
	*out = nullptr;
	*n = 0;
	return guard(&db->err, [&]() -> lec_status {
		const std::string t = bytes(term, len);
		Xapian::PostingIterator end = db->db->postlist_end(t);
		std::vector<xap_docid> v;

		for (Xapian::PostingIterator it = db->db->postlist_begin(t); it != end; ++it)
			v.push_back(*it);
		return vec_out(db, v, out, n);
	});
}

/* ---- documents ---------------------------------------------------------- */

namespace
{

/* Run a building step on `doc` unless an earlier one failed (sticky). */
template <class F> void doc_step(xap_doc *doc, const char *term, size_t len, F f) noexcept
{
	if (!doc || doc->st != LEC_OK)
		return;
	if (!bytes_ok(term, len)) {
		doc->st = fail(&doc->err, LEC_EINVAL, "NULL byte string with nonzero length");
		return;
	}
	doc->st = guard(&doc->err, [&]() -> lec_status {
		f(bytes(term, len));
		return LEC_OK;
	});
}

/* A failed building call is reported by the call that uses the document. */
lec_status need_doc(xap_db *db, xap_doc *doc) noexcept
{
	lec_status st = need_writable(db);

	if (st != LEC_OK)
		return st;
	if (!doc)
		return fail(&db->err, LEC_EINVAL, "NULL document");
	if (doc->st != LEC_OK) {
		set_msg(&db->err, doc->err.c_str());
		return doc->st;
	}
	return LEC_OK;
}

} // namespace

XAP_API xap_doc *xap_doc_new(void)
{
	try {
		return new xap_doc;
	} catch (...) {
		return nullptr;
	}
}

XAP_API void xap_doc_free(xap_doc *doc)
{
	delete doc;
}

XAP_API void xap_doc_clear(xap_doc *doc)
{
	if (!doc)
		return;
	doc->st = guard(&doc->err, [&]() -> lec_status {
		doc->doc = Xapian::Document();
		doc->err.clear();
		return LEC_OK;
	});
}

XAP_API lec_status xap_doc_status(const xap_doc *doc)
{
	return doc ? doc->st : LEC_EINVAL;
}

XAP_API const char *xap_doc_error(const xap_doc *doc)
{
	return doc ? doc->err.c_str() : "";
}

XAP_API void xap_doc_add_posting(xap_doc *doc, const char *term, size_t len, uint32_t pos,
				 uint32_t wdfinc)
{
	doc_step(doc, term, len,
		 [&](const std::string &t) { doc->doc.add_posting(t, pos, wdfinc); });
}

XAP_API void xap_doc_add_term(xap_doc *doc, const char *term, size_t len, uint32_t wdfinc)
{
	doc_step(doc, term, len, [&](const std::string &t) { doc->doc.add_term(t, wdfinc); });
}

XAP_API void xap_doc_add_boolean_term(xap_doc *doc, const char *term, size_t len)
{
	doc_step(doc, term, len, [&](const std::string &t) { doc->doc.add_boolean_term(t); });
}

XAP_API void xap_doc_set_value(xap_doc *doc, unsigned slot, const char *val, size_t len)
{
	doc_step(doc, val, len, [&](const std::string &v) { doc->doc.add_value(slot, v); });
}

XAP_API void xap_doc_set_data(xap_doc *doc, const char *data, size_t len)
{
	doc_step(doc, data, len, [&](const std::string &d) { doc->doc.set_data(d); });
}

/* `out_docid` may be NULL when the caller does not need the docid. */
XAP_API lec_status xap_db_add_document(xap_db *db, xap_doc *doc, xap_docid *out_docid)
{
	lec_status st = need_doc(db, doc);

	if (st != LEC_OK)
		return st;
	return guard(&db->err, [&]() -> lec_status {
		xap_docid id = wdb(db).add_document(doc->doc);
		if (out_docid)
			*out_docid = id;
		return LEC_OK;
	});
}

XAP_API lec_status xap_db_replace_document(xap_db *db, xap_docid docid, xap_doc *doc)
{
	lec_status st = need_doc(db, doc);

	if (st != LEC_OK)
		return st;
	return guard(&db->err, [&]() -> lec_status {
		wdb(db).replace_document(docid, doc->doc);
		return LEC_OK;
	});
}

/* `out_docid` may be NULL. An empty unique term is refused: Xapian would
 * take it as "every document". */
XAP_API lec_status xap_db_replace_document_by_term(xap_db *db, const char *unique_term, size_t len,
						   xap_doc *doc, xap_docid *out_docid)
{
	lec_status st = need_doc(db, doc);

	if (st != LEC_OK)
		return st;
	if (!unique_term || len == 0)
		return fail(&db->err, LEC_EINVAL, "xap_db_replace_document_by_term: empty term");
	return guard(&db->err, [&]() -> lec_status {
		xap_docid id = wdb(db).replace_document(std::string(unique_term, len), doc->doc);
		if (out_docid)
			*out_docid = id;
		return LEC_OK;
	});
}

XAP_API lec_status xap_db_delete_document(xap_db *db, xap_docid docid)
{
	return on_writer(db, [&](Xapian::WritableDatabase &w) { w.delete_document(docid); });
}

/* An empty term is refused for the same reason as above. */
XAP_API lec_status xap_db_delete_documents_by_term(xap_db *db, const char *term, size_t len)
{
	lec_status st = need_writable(db);

	if (st != LEC_OK)
		return st;
	if (!term || len == 0)
		return fail(&db->err, LEC_EINVAL, "xap_db_delete_documents_by_term: empty term");
	return on_writer(db, [&](Xapian::WritableDatabase &w) {
		w.delete_document(std::string(term, len));
	});
}

/* `len` may be NULL. */
XAP_API lec_status xap_db_document_data(xap_db *db, xap_docid docid, char **out, size_t *len)
{
	return on_string(db, out, len, "xap_db_document_data: NULL argument",
			 [&] { return read_doc(db, docid).get_data(); });
}

/* `len` may be NULL. */
XAP_API lec_status xap_db_document_value(xap_db *db, xap_docid docid, unsigned slot, char **out,
					 size_t *len)
{
	return on_string(db, out, len, "xap_db_document_value: NULL argument",
			 [&] { return read_doc(db, docid).get_value(slot); });
}

/* ---- metadata ----------------------------------------------------------- */

XAP_API lec_status xap_db_set_metadata(xap_db *db, const char *key, size_t klen, const char *val,
				       size_t vlen)
{
	lec_status st = need_writable(db);

	if (st != LEC_OK)
		return st;
	if (!bytes_ok(key, klen) || !bytes_ok(val, vlen))
		return fail(&db->err, LEC_EINVAL, "xap_db_set_metadata: NULL argument");
	return on_writer(db, [&](Xapian::WritableDatabase &w) {
		w.set_metadata(bytes(key, klen), bytes(val, vlen));
	});
}

/* `len` may be NULL. */
XAP_API lec_status xap_db_get_metadata(xap_db *db, const char *key, size_t klen, char **out,
				       size_t *len)
{
	const char *what = "xap_db_get_metadata: NULL argument";
	lec_status st = need_term(db, key, klen, out, what);

	if (st != LEC_OK)
		return st;
	return on_string(db, out, len, what,
			 [&] { return db->db->get_metadata(bytes(key, klen)); });
}

XAP_API lec_status xap_db_metadata_each(xap_db *db, const char *prefix, size_t plen, xap_kv_cb cb,
					void *ctx)
{
	lec_status st = need_open(db);

	if (st != LEC_OK)
		return st;
	if (!cb || !bytes_ok(prefix, plen))
		return fail(&db->err, LEC_EINVAL, "xap_db_metadata_each: NULL argument");
	return guard(&db->err, [&]() -> lec_status {
		std::string pfx = bytes(prefix, plen);
		Xapian::TermIterator end = db->db->metadata_keys_end(pfx);

		for (Xapian::TermIterator it = db->db->metadata_keys_begin(pfx); it != end; ++it) {
			const std::string key = *it;
			const std::string val = db->db->get_metadata(key);
			if (cb(ctx, key.data(), key.size(), val.data(), val.size()))
				return LEC_ESTOP;
		}
		return LEC_OK;
	});
}

/* ---- spelling ----------------------------------------------------------- */

XAP_API lec_status xap_db_add_spelling(xap_db *db, const char *word, size_t len, uint32_t freqinc)
{
	lec_status st = need_writable(db);

	if (st != LEC_OK)
		return st;
	if (!bytes_ok(word, len))
		return fail(&db->err, LEC_EINVAL, "xap_db_add_spelling: NULL word");
	return on_writer(db, [&](Xapian::WritableDatabase &w) {
		w.add_spelling(bytes(word, len), freqinc);
	});
}

XAP_API lec_status xap_db_spelling_suggest(xap_db *db, const char *word, size_t len,
					   unsigned max_edit_distance, char **out)
{
	const char *what = "xap_db_spelling_suggest: NULL argument";
	lec_status st = need_term(db, word, len, out, what);

	if (st != LEC_OK)
		return st;
	return on_string(db, out, nullptr, what, [&] {
		return db->db->get_spelling_suggestion(bytes(word, len), max_edit_distance);
	});
}

/* ---- metadata of every database ----------------------------------------- */

XAP_API lec_status xap_db_metadata_parts(xap_db *db, const char *key, size_t klen, xap_kv_cb cb,
					 void *ctx)
{
	lec_status st = need_open(db);

	if (st != LEC_OK)
		return st;
	if (!cb || !key || !klen)
		return fail(&db->err, LEC_EINVAL, "xap_db_metadata_parts: NULL argument");
	return guard(&db->err, [&]() -> lec_status {
		const std::string k = bytes(key, klen);
		auto visit = [&](const Xapian::Database &one) {
			const std::string val = one.get_metadata(k);
			return !val.empty() && cb(ctx, k.data(), k.size(), val.data(), val.size());
		};
		if (db->parts.empty())
			return visit(*db->db) ? LEC_ESTOP : LEC_OK;
		for (const Xapian::Database &one : db->parts)
			if (visit(one))
				return LEC_ESTOP;
		return LEC_OK;
	});
}

/* ---- the terms of one document ------------------------------------------ */

XAP_API lec_status xap_db_doc_terms(xap_db *db, xap_docid docid, const char *prefix, size_t plen,
				    xap_term_cb cb, void *ctx)
{
	lec_status st = need_open(db);

	if (st != LEC_OK)
		return st;
	if (!cb || !bytes_ok(prefix, plen))
		return fail(&db->err, LEC_EINVAL, "xap_db_doc_terms: NULL argument");
	return guard(&db->err, [&]() -> lec_status {
		const std::string pfx = bytes(prefix, plen);
		Xapian::TermIterator end = db->db->termlist_end(docid);
		Xapian::TermIterator it = db->db->termlist_begin(docid);

		for (it.skip_to(pfx); it != end; ++it) {
			const std::string t = *it;
			if (t.compare(0, pfx.size(), pfx) != 0)
				break;
			if (cb(ctx, t.data(), t.size(), it.get_wdf()))
				return LEC_ESTOP;
		}
		return LEC_OK;
	});
}

/* ---- queries ------------------------------------------------------------ */

namespace
{

/* The query twin of guard(): honour and set the sticky *rc. Queries have
 * no handle to keep a message on, so only the status survives. */
template <class F> xap_query *qguard(lec_status *rc, F f) noexcept
{
	if (!rc || *rc != LEC_OK)
		return nullptr;
	try {
		Xapian::Query q = f();
		return new xap_query{ q };
	} catch (...) {
		*rc = translate(nullptr);
		return nullptr;
	}
}

/* Thrown inside a qguard body for a bad argument: becomes LEC_EINVAL. */
[[noreturn]] void bad_arg(const char *m)
{
	throw Xapian::InvalidArgumentError(m);
}

bool op_of(const enum xap_op &op, Xapian::Query::op *out) noexcept
{
	switch (enum_bits(op)) {
	case XAP_OP_AND:
		*out = Xapian::Query::OP_AND;
		return true;
	case XAP_OP_OR:
		*out = Xapian::Query::OP_OR;
		return true;
	case XAP_OP_AND_NOT:
		*out = Xapian::Query::OP_AND_NOT;
		return true;
	case XAP_OP_AND_MAYBE:
		*out = Xapian::Query::OP_AND_MAYBE;
		return true;
	case XAP_OP_FILTER:
		*out = Xapian::Query::OP_FILTER;
		return true;
	case XAP_OP_XOR:
		*out = Xapian::Query::OP_XOR;
		return true;
	case XAP_OP_SYNONYM:
		*out = Xapian::Query::OP_SYNONYM;
		return true;
	case XAP_OP_MAX:
		*out = Xapian::Query::OP_MAX;
		return true;
	}
	return false;
}

/* Phrase and near: leaf terms, in order, within `window`. */
Xapian::Query positional(Xapian::Query::op op, const char *const *terms, const size_t *lens,
			 size_t n, uint32_t window)
{
	if (n && (!terms || !lens))
		bad_arg("NULL term array");
	std::vector<Xapian::Query> v;
	v.reserve(n);
	for (size_t i = 0; i < n; i++) {
		if (!terms[i] || lens[i] == 0)
			bad_arg("empty term in a phrase");
		v.emplace_back(std::string(terms[i], lens[i]));
	}
	return Xapian::Query(op, v.begin(), v.end(), window);
}

} // namespace

XAP_API void xap_query_free(xap_query *q)
{
	delete q;
}

/* An empty term is refused: Xapian reads Query("") as match-all. */
XAP_API xap_query *xap_query_term(lec_status *rc, const char *term, size_t len, uint32_t wqf)
{
	return qguard(rc, [&]() {
		if (!term || len == 0)
			bad_arg("xap_query_term: empty term");
		return Xapian::Query(std::string(term, len), wqf);
	});
}

XAP_API xap_query *xap_query_match_all(lec_status *rc)
{
	return qguard(rc, [&]() { return Xapian::Query::MatchAll; });
}

XAP_API xap_query *xap_query_match_nothing(lec_status *rc)
{
	return qguard(rc, [&]() { return Xapian::Query::MatchNothing; });
}

XAP_API xap_query *xap_query_combine(lec_status *rc, enum xap_op op, xap_query *const *subs,
				     size_t n)
{
	return qguard(rc, [&]() {
		Xapian::Query::op xop;

		if (!op_of(op, &xop))
			bad_arg("xap_query_combine: bad operator");
		if (n && !subs)
			bad_arg("xap_query_combine: NULL subquery array");
		std::vector<Xapian::Query> v;
		v.reserve(n);
		for (size_t i = 0; i < n; i++) {
			if (!subs[i])
				bad_arg("xap_query_combine: NULL subquery");
			v.push_back(subs[i]->q);
		}
		return Xapian::Query(xop, v.begin(), v.end());
	});
}

XAP_API xap_query *xap_query_phrase(lec_status *rc, const char *const *terms, const size_t *lens,
				    size_t n, uint32_t window)
{
	return qguard(
		rc, [&]() { return positional(Xapian::Query::OP_PHRASE, terms, lens, n, window); });
}

XAP_API xap_query *xap_query_near(lec_status *rc, const char *const *terms, const size_t *lens,
				  size_t n, uint32_t window)
{
	return qguard(rc,
		      [&]() { return positional(Xapian::Query::OP_NEAR, terms, lens, n, window); });
}

namespace
{

/* The synonym of `terms` ((termfreq, term) pairs, sorted by term), built as
 * a tree of two-way OP_SYNONYMs rather than one flat OP_SYNONYM.
 *
 * Why: Xapian 1.4 weighs a synonym by an estimate of its term frequency,
 * combined pairwise up the OR tree it builds for it, rounding to a whole
 * count at each step. It shapes that tree by each sub-database's own term
 * frequencies, so the same flat synonym can get a different estimate in
 * each shard, and a document's weight then depends on which shard holds
 * it (`insta*` scored 1.0897 on 4 shards of corpus/ and 0.9919 on one
 * index). A two-way node has only one shape, and an inner synonym under
 * an outer one is searched as a plain OR of its two sides, so fixing the
 * tree here fixes the estimate: every shard, and a single index, compute
 * the same numbers. The tree is built like a Huffman code on the combined
 * term frequencies (the two least frequent first, ties by term), which is
 * also the shape Xapian would pick on one database, so the OR is as cheap
 * to walk as before. */
Xapian::Query synonym_tree(const std::vector<std::pair<Xapian::doccount, std::string>> &terms)
{
	struct node {
		uint64_t freq;
		size_t order; /* leaves in term order, then merges in turn */
		Xapian::Query q;
	};
	auto later = [](const node &a, const node &b) {
		return a.freq != b.freq ? a.freq > b.freq : a.order > b.order;
	};
	std::vector<node> heap;
	heap.reserve(terms.size());
	size_t order = 0;
	for (const auto &t : terms)
		heap.push_back(node{ t.first, order++, Xapian::Query(t.second) });
	std::make_heap(heap.begin(), heap.end(), later);
	while (heap.size() > 1) {
		std::pop_heap(heap.begin(), heap.end(), later);
		node a = std::move(heap.back());
		heap.pop_back();
		std::pop_heap(heap.begin(), heap.end(), later);
		node b = std::move(heap.back());
		heap.pop_back();
		heap.push_back(node{ a.freq + b.freq, order++,
				     Xapian::Query(Xapian::Query::OP_SYNONYM, a.q, b.q) });
		std::push_heap(heap.begin(), heap.end(), later);
	}
	return heap[0].q;
}

} // namespace

/* An empty prefix is refused: it would expand to the whole vocabulary. */
XAP_API xap_query *xap_query_wildcard(lec_status *rc, const char *prefix, size_t len,
				      uint32_t max_expansion)
{
	return qguard(rc, [&]() {
		if (!prefix || len == 0)
			bad_arg("xap_query_wildcard: empty prefix");
		if (max_expansion == 0)
			max_expansion = LEC_MAX_WILDCARD_EXPANSION;
		return Xapian::Query(Xapian::Query::OP_WILDCARD, std::string(prefix, len),
				     max_expansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
	});
}

XAP_API xap_query *xap_query_wildcard_in(lec_status *rc, xap_db *db, const char *prefix, size_t len,
					 uint32_t max_expansion)
{
	return qguard(rc, [&]() {
		if (!prefix || len == 0)
			bad_arg("xap_query_wildcard_in: empty prefix");
		if (!db || !db->db)
			bad_arg("xap_query_wildcard_in: database is not open");
		if (max_expansion == 0)
			max_expansion = LEC_MAX_WILDCARD_EXPANSION;
		std::string pfx(prefix, len);
		/* (termfreq, term) of every match; the most frequent are kept, as
		 * WILDCARD_LIMIT_MOST_FREQUENT does, ties by term */
		std::vector<std::pair<Xapian::doccount, std::string>> terms;
		for (auto t = db->db->allterms_begin(pfx); t != db->db->allterms_end(pfx); ++t)
			terms.emplace_back(t.get_termfreq(), *t);
		if (terms.size() > max_expansion) {
			std::partial_sort(terms.begin(), terms.begin() + max_expansion, terms.end(),
					  [](const auto &a, const auto &b) {
						  return a.first != b.first ? a.first > b.first :
									      a.second < b.second;
					  });
			terms.resize(max_expansion);
			std::sort(terms.begin(), terms.end(),
				  [](const auto &a, const auto &b) { return a.second < b.second; });
		}
		if (terms.empty())
			return Xapian::Query(Xapian::Query::MatchNothing);
		return synonym_tree(terms);
	});
}

XAP_API xap_query *xap_query_value_range(lec_status *rc, unsigned slot, const char *lo,
					 const char *hi)
{
	return qguard(rc, [&]() {
		if (lo && hi)
			return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi);
		if (lo)
			return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo);
		if (hi)
			return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi);
		return Xapian::Query(Xapian::Query::MatchAll);
	});
}

XAP_API xap_query *xap_query_scale(lec_status *rc, xap_query *q, double factor)
{
	return qguard(rc, [&]() {
		if (!q)
			bad_arg("xap_query_scale: NULL subquery");
		return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor);
	});
}

XAP_API char *xap_query_describe(const xap_query *q)
{
	if (!q)
		return nullptr;
	try {
		return strdup(q->q.get_description().c_str());
	} catch (...) {
		return nullptr;
	}
}

/* ---- searching ---------------------------------------------------------- */

XAP_API void xap_search_opts_init(struct xap_search_opts *o)
{
	if (!o)
		return;
	std::memset(o, 0, sizeof(*o));
	o->limit = 10;
	o->collapse_slot = -1;
}

namespace
{

/* Xapian silently clamps bad BM25 parameters; refuse them instead. */
void check_bm25(const struct xap_search_opts &o)
{
	const double p[] = { o.bm25_k1, o.bm25_k2, o.bm25_k3, o.bm25_b, o.bm25_min_normlen };

	for (double v : p)
		if (!std::isfinite(v) || v < 0)
			throw Xapian::InvalidArgumentError(
				"BM25 parameters must be finite and >= 0");
	if (o.bm25_b > 1)
		throw Xapian::InvalidArgumentError("BM25 parameter b must be <= 1");
}

/* BM25 with the caller's parameters if any is set (all five are then
 * taken as given), else Xapian's defaults. */
void set_weighting(Xapian::Enquire &enq, const struct xap_search_opts &o)
{
	if (o.sort_by_docid) {
		enq.set_weighting_scheme(Xapian::BoolWeight());
		enq.set_docid_order(Xapian::Enquire::ASCENDING);
		enq.set_sort_by_relevance();
		return;
	}
	check_bm25(o);
	if (o.bm25_k1 != 0 || o.bm25_k2 != 0 || o.bm25_k3 != 0 || o.bm25_b != 0 ||
	    o.bm25_min_normlen != 0)
		enq.set_weighting_scheme(Xapian::BM25Weight(o.bm25_k1, o.bm25_k2, o.bm25_k3,
							    o.bm25_b, o.bm25_min_normlen));
	else
		enq.set_weighting_scheme(Xapian::BM25Weight());
}

} // namespace

/* `o` may be NULL for the defaults. */
XAP_API lec_status xap_db_search(xap_db *db, const xap_query *q, const struct xap_search_opts *o,
				 xap_mset **out)
{
	lec_status st = need_out(db, out, "xap_db_search: NULL argument");

	if (st != LEC_OK)
		return st;
	if (!q)
		return fail(&db->err, LEC_EINVAL, "xap_db_search: NULL query");
	*out = nullptr;
	struct xap_search_opts defaults;
	if (!o) {
		xap_search_opts_init(&defaults);
		o = &defaults;
	}
	return guard(&db->err, [&]() -> lec_status {
		Xapian::Enquire enq(*db->db);

		enq.set_query(q->q);
		set_weighting(enq, *o);
		if (o->collapse_slot >= 0)
			enq.set_collapse_key(static_cast<Xapian::valueno>(o->collapse_slot));
		xap_mset *m = new xap_mset{ enq.get_mset(o->offset, o->limit, o->check_at_least) };
		*out = m;
		return LEC_OK;
	});
}

XAP_API uint32_t xap_mset_size(const xap_mset *m)
{
	return m ? m->mset.size() : 0;
}

XAP_API uint32_t xap_mset_estimated(const xap_mset *m)
{
	return m ? m->mset.get_matches_estimated() : 0;
}

XAP_API uint32_t xap_mset_lower_bound(const xap_mset *m)
{
	return m ? m->mset.get_matches_lower_bound() : 0;
}

XAP_API uint32_t xap_mset_upper_bound(const xap_mset *m)
{
	return m ? m->mset.get_matches_upper_bound() : 0;
}

namespace
{

/* Result i, or `dflt` when out of range. MSet items live in memory, but the
 * iterator calls are not declared nothrow, so guard them anyway. */
template <class T, class F> T mset_item(const xap_mset *m, uint32_t i, T dflt, F f) noexcept
{
	if (!m || i >= m->mset.size())
		return dflt;
	try {
		return f(m->mset[i]);
	} catch (...) {
		return dflt;
	}
}

} // namespace

XAP_API xap_docid xap_mset_docid(const xap_mset *m, uint32_t i)
{
	return mset_item(m, i, xap_docid(0), [](const Xapian::MSetIterator &it) { return *it; });
}

XAP_API double xap_mset_weight(const xap_mset *m, uint32_t i)
{
	return mset_item(m, i, 0.0, [](const Xapian::MSetIterator &it) { return it.get_weight(); });
}

XAP_API int xap_mset_percent(const xap_mset *m, uint32_t i)
{
	return mset_item(m, i, 0, [](const Xapian::MSetIterator &it) { return it.get_percent(); });
}

XAP_API uint32_t xap_mset_collapse_count(const xap_mset *m, uint32_t i)
{
	return mset_item(m, i, uint32_t(0),
			 [](const Xapian::MSetIterator &it) { return it.get_collapse_count(); });
}

/* May fail with LEC_EMODIFIED when the database moved on under a reader.
 * There is no message: an MSet has no error accessor. `len` may be NULL. */
XAP_API lec_status xap_mset_data(xap_mset *m, uint32_t i, char **out, size_t *len)
{
	if (!m || !out)
		return LEC_EINVAL;
	*out = nullptr;
	if (i >= m->mset.size())
		return LEC_EINVAL;
	return guard(nullptr, [&]() -> lec_status {
		return dup_out(nullptr, m->mset[i].get_document().get_data(), out, len);
	});
}

XAP_API void xap_mset_free(xap_mset *m)
{
	delete m;
}
