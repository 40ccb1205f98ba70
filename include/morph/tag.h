/*
 * Annotated tags: an object that names a commit with a tag name, who made
 * the tag, when, and why, as git's annotated tags do.  A lightweight tag is
 * only a reference, refs/tags/NAME, holding a commit's id; an annotated
 * tag's reference holds the id of its tag object instead.
 *
 * The payload is canonical JSON:
 *   {"message","object","tag","tagger":{"email","name","time","tz"},
 *    "type":"commit"}
 * object is the id of the commit tagged, type its type (always "commit":
 * morph tags commits), tag the name given when it was made, and tagger and
 * message as a commit's author and message (see commit.h).
 */
#ifndef MORPH_TAG_H
#define MORPH_TAG_H

#include <stddef.h>

#include "morph/commit.h"
#include "morph/error.h"
#include "morph/hash.h"
#include "morph/object.h"

struct morph_repo;
struct morph_tag;

/* Parses a tag payload, checking its fields.  Errors: CORRUPT. */
const struct morph_error *morph_tag_parse(struct morph_tag **out,
    const struct morph_oid *id, const char *data, size_t len);
/* Reads and parses tag id.  Errors: NOT_FOUND, CORRUPT. */
const struct morph_error *morph_tag_read(struct morph_tag **out,
    struct morph_repo *, const struct morph_oid *id);
void	morph_tag_free(struct morph_tag *);

const struct morph_oid *morph_tag_id(const struct morph_tag *);
/* The object tagged, and its type as the tag records it. */
const struct morph_oid *morph_tag_target(const struct morph_tag *);
enum morph_object_type morph_tag_target_type(const struct morph_tag *);
const char *morph_tag_name(const struct morph_tag *);
/* The tagger; the strings are borrowed from the tag. */
const struct morph_signature *morph_tag_tagger(const struct morph_tag *);
const char *morph_tag_message(const struct morph_tag *);

/*
 * Writes a tag object named name for commit target, with the tagger
 * morph_signature_default gives and message (non-empty UTF-8, cleaned by
 * the caller), and sets *out to its id.  The reference is the caller's to
 * set.  Errors: INVALID (an empty or invalid message or name), NOT_FOUND
 * (target is no commit).
 */
const struct morph_error *morph_tag_create(struct morph_oid *out,
    struct morph_repo *, const char *name, const struct morph_oid *target,
    const char *message);

/*
 * Peels id: when it names a tag, the commit the tag names, else id itself,
 * into *out; *type (may be NULL) is the type of *out.  Errors: NOT_FOUND
 * (id, or the tagged commit, is missing), CORRUPT (a tag that cannot be
 * read, or whose object is not a commit).
 */
const struct morph_error *morph_tag_peel(struct morph_oid *out,
    enum morph_object_type *type, struct morph_repo *,
    const struct morph_oid *id);

#endif
