/* speakers.h - who speaks in meeting notes.
 *
 * Attendee lists name people as "Jordan Harband (JHD)" (or in a table row
 * "| Jordan Harband | JHD | ... |"); a paragraph starting "JHD: " is then
 * spoken by Jordan Harband, and a "Presenter: Jordan Harband (JHD)" line
 * names the presenter of its section. tc39-notes is full of all three.
 */
#ifndef LECTERN_SPEAKERS_H
#define LECTERN_SPEAKERS_H

#include <stddef.h>

#include "note.h"
#include "status.h"

/* Scan all of note->src for attendee patterns and add each person to
 * note->people (deduplicated by initials, first one wins). Linear in the
 * file size. */
lec_status spk_scan_people(struct note *note);

/* Classify a paragraph block whose visible text starts at byte `text` of
 * note->src and ends at block->end: set block->speaker for a "JHD: ..."
 * paragraph (adding a person with initials only when nobody has them), or
 * block->presenter for a "Presenter(s): ..." paragraph (adding every named
 * presenter; block->presenter is the first). Leaves both -1 otherwise. */
lec_status spk_classify(struct note *note, struct note_block *block, size_t text);

#endif
