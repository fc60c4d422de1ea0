/* layout.h - names of every term prefix, value slot and metadata key in the
 * index. docs/index-layout.md explains them; bump LEC_INDEX_FORMAT when any
 * meaning changes. */
#ifndef LECTERN_LAYOUT_H
#define LECTERN_LAYOUT_H

#define LEC_INDEX_FORMAT "2"
#define LEC_DB_SUBDIR "xapian"
/* a fresh build of the index, installed when complete (indexer/build.h) */
#define LEC_BUILD_SUBDIR ".build"
/* the roots of the index, outside its databases (common/rootmap.h) */
#define LEC_ROOTS_FILE "roots"
/* the databases of a sharded index, one a line (common/shards.h) */
#define SHARDS_STUB_NAME "shards.stub"
/* beside each local shard while a shard is compacted (indexer/compact.c) */
#define LEC_COMPACT_SUFFIX ".compacting"

/* term prefixes */
#define LEC_PFX_STEM "Z"
#define LEC_PFX_TITLE "S"
#define LEC_PFX_TITLE_STEM "ZS"
#define LEC_PFX_PATH "XP"
#define LEC_PFX_SPEAKER "XS"
#define LEC_PFX_TAG "K"
#define LEC_PFX_YEAR "Y"
#define LEC_PFX_FILE "F"
#define LEC_PFX_LANG "L"

/* value slots */
#define LEC_SLOT_DATE 0
#define LEC_SLOT_PASSAGES 1  /* the passage table (common/ptable.h) */
#define LEC_SLOT_PASSAGE0 16 /* passage i's record is in slot LEC_SLOT_PASSAGE0 + i */

/* keys of the note record (the document data, common/record.h) */
#define LEC_REC_PATH "path"
#define LEC_REC_TITLE "title"
#define LEC_REC_DATE "date"
#define LEC_REC_FORMAT "fmt"
#define LEC_REC_LANG "lang"
#define LEC_REC_PASSAGES "passages"

/* metadata keys */
#define LEC_META_FORMAT "lectern:format"
#define LEC_META_ROOTS "lectern:roots"
#define LEC_META_LAST_INDEXED "lectern:last-indexed"
#define LEC_META_FILE_PREFIX "f:"
/* + note key: "size mtime_ns reason" of a file skipped (indexer/skips.h) */
#define LEC_META_SKIP_PREFIX "s:"
/* + directory key: the people named by its notes (indexer/people.h) */
#define LEC_META_PEOPLE_PREFIX "p:"
#define LEC_META_LANGUAGES "lectern:languages"
/* + stem: the words of the database's notes with that stem (common/stemdict.h) */
#define LEC_META_STEM_PREFIX "z:"
/* per shard: "PASSAGES WORDS", the passages of its notes and their terms
 * (the average passage length of BM25) */
#define LEC_META_PASSAGES "lectern:passages"

/* heading path separator for display */
#define LEC_HEADING_SEP " \xe2\x80\xba " /* " › " */

#endif
