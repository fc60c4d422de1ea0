/* xap-check.cc - xap_check: Xapian's consistency check of a database, and
 * where its report says the damage is. */
#include "xap-int.h"

using namespace xap_impl;

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
