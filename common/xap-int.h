/* xap-int.h - what the files of the Xapian boundary (common/xap*.cc) share,
 * private to them: the handles behind xap.h's opaque types, the XAP_API
 * mark, and the helpers every extern "C" function runs its body through.
 *
 * No exception ever leaves an extern "C" function: each runs its body
 * through guard() (or the query files' qguard()), which turns any
 * exception into a lec_status (translate(), in xap.cc) and keeps the
 * message on the handle. The files are built with -fvisibility=hidden;
 * only functions marked XAP_API are exported, and
 * tests/unit/check-xap-symbols.sh checks that they are exactly xap.h's.
 */
#ifndef LECTERN_XAP_INT_H
#define LECTERN_XAP_INT_H

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
#include <unordered_map>
#include <vector>
#include <utility>

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
	/* The values read on a read-only handle, by docid << 32 | slot, kept
	 * until a reopen may have changed the database (Xapian's reopen() says
	 * when it cannot have) and at close: a value costs Xapian a B-tree
	 * lookup and a scan of its slot's chunk (7-14 µs a passage table or
	 * record of tc39, python3-xapian), and a daemon reopens before each
	 * query. At most LEC_XAP_VALUE_CACHE_BYTES (values_bytes counts them),
	 * then emptied. */
	std::unordered_map<uint64_t, std::string> values;
	size_t values_bytes = 0;
	/* The same for position lists, by the docid's 4 bytes and the term,
	 * within LEC_XAP_POSITION_CACHE_BYTES (positions_bytes). */
	std::unordered_map<std::string, std::vector<uint32_t>> positions;
	size_t positions_bytes = 0;
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

namespace xap_impl
{

/* Store `m` as the message; a failed allocation leaves the message empty
 * rather than throwing out of a catch block. */
void set_msg(std::string *msg, const char *m) noexcept;
void set_xapian_msg(std::string *msg, const Xapian::Error &e) noexcept;
/* Call only inside a catch block: rethrows the current exception and maps
 * it to a status, its message into *msg (msg may be NULL). */
lec_status translate(std::string *msg) noexcept;
/* Set the message `m` and return st. */
lec_status fail(std::string *msg, lec_status st, const char *m) noexcept;
/* A byte string argument: NULL is allowed only with length 0. */
bool bytes_ok(const char *p, size_t len) noexcept;
std::string bytes(const char *p, size_t len);
/* Common checks of a database call; NULL db cannot hold a message. */
lec_status need_open(xap_db *db) noexcept;
lec_status need_writable(xap_db *db) noexcept;
/* The writer behind an open writable handle. */
Xapian::WritableDatabase &wdb(xap_db *db);
/* Copy `s` into a malloc'd NUL-terminated buffer; `len` may be NULL. */
lec_status dup_out(xap_db *db, const std::string &s, char **out, size_t *len) noexcept;
/* need_open plus a non-NULL out-parameter; `what` is the message. */
lec_status need_out(xap_db *db, const void *out, const char *what) noexcept;
/* need_out plus a byte string argument. */
lec_status need_term(xap_db *db, const char *term, size_t len, const void *out,
		     const char *what) noexcept;
/* The handle's cache of documents read: dropped (at reopen and close), and
 * document `docid` from it when it can be. */
void forget_docs(xap_db *db) noexcept;
const Xapian::Document &read_doc(xap_db *db, Xapian::docid docid);
std::string read_value(xap_db *db, Xapian::docid docid, Xapian::valueno slot);
void read_values_ahead(xap_db *db, const xap_value_key *keys, size_t n);
std::vector<uint32_t> read_positions(xap_db *db, Xapian::docid docid, const std::string &term);

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

/* A C caller may pass any int as an enum; in C++ loading an out-of-range
 * value of an enum without a fixed type is undefined, so read the bytes. */
template <class E> std::underlying_type_t<E> enum_bits(const E &e) noexcept
{
	std::underlying_type_t<E> v;

	static_assert(sizeof(v) == sizeof(e), "enum size");
	std::memcpy(&v, &e, sizeof(v));
	return v;
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

/* The shapes of most calls: check the arguments, then run `f` (returning
 * void) under guard(). */
template <class F> lec_status when_checked(xap_db *db, lec_status checked, F f) noexcept
{
	if (checked != LEC_OK)
		return checked;
	return guard(&db->err, [&]() -> lec_status {
		f();
		return LEC_OK;
	});
}

template <class F> lec_status on_reader(xap_db *db, const void *out, const char *what, F f) noexcept
{
	return when_checked(db, need_out(db, out, what), f);
}

template <class F>
lec_status on_term(xap_db *db, const char *term, size_t len, const void *out, const char *what,
		   F f) noexcept
{
	return when_checked(db, need_term(db, term, len, out, what), f);
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

} // namespace xap_impl

#endif
