/*
 * Annotated tag objects (see tag.h): parsing, making one, and peeling a
 * tag to the commit it names.
 */
#include <stdlib.h>
#include <string.h>

#include "morph/refs.h"
#include "morph/tag.h"
#include "json_int.h"
#include "repo_int.h"
#include "signature_int.h"

struct morph_tag {
	struct morph_oid	 id;
	struct morph_oid	 target;
	enum morph_object_type	 type;
	char			*name;
	char			*message;
	char			*tagger_name;
	char			*tagger_email;
	struct morph_signature	 tagger;
};

void
morph_tag_free(struct morph_tag *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->message);
	free(t->tagger_name);
	free(t->tagger_email);
	free(t);
}

static const struct morph_error *
corrupt(const struct morph_oid *id, const char *why)
{
	return morph_error_fmt(MORPH_ERR_CORRUPT, "tag %s: %s",
	    id ? morph_oid_tostr(id) : "(new)", why);
}

const struct morph_error *
morph_tag_parse(struct morph_tag **out, const struct morph_oid *id,
    const char *data, size_t len)
{
	const struct morph_error *err = NULL;
	struct morph_tag *t;
	cJSON *doc = NULL;
	const char *s;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return morph_error(MORPH_ERR_NOMEM);
	if (id != NULL)
		t->id = *id;
	if ((err = morph_json_parse(&doc, data, len, "tag")) != NULL) {
		err = corrupt(id, err->msg);
		goto done;
	}
	if (!cJSON_IsObject(doc) ||
	    (s = morph_json_str(doc, "object")) == NULL ||
	    morph_oid_fromhex(&t->target, s) != 0) {
		err = corrupt(id, "missing or bad object");
		goto done;
	}
	/* morph tags commits only; anything else was not made by morph. */
	if ((s = morph_json_str(doc, "type")) == NULL ||
	    (t->type = morph_object_type_from_name(s)) != MORPH_OBJ_COMMIT) {
		err = corrupt(id, "missing type, or a type other than commit");
		goto done;
	}
	if ((s = morph_json_str(doc, "tag")) == NULL || s[0] == '\0') {
		err = corrupt(id, "missing tag name");
		goto done;
	}
	if ((t->name = strdup(s)) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	if ((s = morph_json_str(doc, "message")) == NULL) {
		err = corrupt(id, "missing message");
		goto done;
	}
	if ((t->message = strdup(s)) == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	if ((err = morph_signature_from_json(&t->tagger, &t->tagger_name,
	    &t->tagger_email, doc, "tagger")) != NULL &&
	    err->code != MORPH_ERR_NOMEM)
		err = corrupt(id, err->msg);
done:
	cJSON_Delete(doc);
	if (err != NULL) {
		morph_tag_free(t);
		return err;
	}
	*out = t;
	return NULL;
}

const struct morph_error *
morph_tag_read(struct morph_tag **out, struct morph_repo *repo,
    const struct morph_oid *id)
{
	const struct morph_error *err;
	struct morph_object *o;

	*out = NULL;
	if ((err = morph_object_read(&o, repo, id, MORPH_OBJ_TAG)) != NULL)
		return err;
	err = morph_tag_parse(out, id, morph_object_data(o),
	    morph_object_size(o));
	morph_object_free(o);
	return err;
}

const struct morph_oid *
morph_tag_id(const struct morph_tag *t)
{
	return &t->id;
}

const struct morph_oid *
morph_tag_target(const struct morph_tag *t)
{
	return &t->target;
}

enum morph_object_type
morph_tag_target_type(const struct morph_tag *t)
{
	return t->type;
}

const char *
morph_tag_name(const struct morph_tag *t)
{
	return t->name;
}

const struct morph_signature *
morph_tag_tagger(const struct morph_tag *t)
{
	return &t->tagger;
}

const char *
morph_tag_message(const struct morph_tag *t)
{
	return t->message;
}

const struct morph_error *
morph_tag_create(struct morph_oid *out, struct morph_repo *repo,
    const char *name, const struct morph_oid *target, const char *message)
{
	struct morph_buf tname = MORPH_BUF_INIT, temail = MORPH_BUF_INIT;
	struct morph_buf payload = MORPH_BUF_INIT;
	const struct morph_error *err;
	enum morph_object_type type;
	struct morph_signature sig;
	cJSON *doc = NULL;

	if (!morph_ref_shortname_valid(name))
		return morph_error_fmt(MORPH_ERR_INVALID, "'%s' is not a "
		    "valid tag name", name);
	if (message == NULL || message[0] == '\0' ||
	    morph_utf8_check(message, strlen(message)) != 0)
		return morph_error_fmt(MORPH_ERR_INVALID,
		    "the tag message is empty or not valid UTF-8");
	if ((err = morph_object_info(&type, NULL, repo, target)) != NULL)
		return err;
	if (type != MORPH_OBJ_COMMIT)
		return morph_error_fmt(MORPH_ERR_NOT_FOUND, "object %s is a "
		    "%s, not a commit", morph_oid_tostr(target),
		    morph_object_type_name(type));
	if ((err = morph_signature_default(&sig, &tname, &temail,
	    repo)) != NULL)
		goto done;
	if ((doc = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(doc, "message", message) == NULL ||
	    cJSON_AddStringToObject(doc, "object",
	    morph_oid_tostr(target)) == NULL ||
	    cJSON_AddStringToObject(doc, "tag", name) == NULL ||
	    morph_signature_json(doc, "tagger", &sig) == NULL ||
	    cJSON_AddStringToObject(doc, "type", "commit") == NULL) {
		err = morph_error(MORPH_ERR_NOMEM);
		goto done;
	}
	if ((err = morph_json_canonical(&payload, doc)) == NULL)
		err = morph_object_write(out, repo, MORPH_OBJ_TAG, payload.ptr,
		    payload.len);
done:
	cJSON_Delete(doc);
	morph_buf_release(&tname);
	morph_buf_release(&temail);
	morph_buf_release(&payload);
	return err;
}

const struct morph_error *
morph_tag_peel(struct morph_oid *out, enum morph_object_type *typep,
    struct morph_repo *repo, const struct morph_oid *id)
{
	const struct morph_error *err;
	enum morph_object_type type;
	struct morph_tag *t;

	*out = *id;
	if ((err = morph_object_info(&type, NULL, repo, id)) != NULL)
		return err;
	if (type == MORPH_OBJ_TAG) {
		/* A tag names a commit (morph_tag_parse sees to it). */
		if ((err = morph_tag_read(&t, repo, id)) != NULL)
			return err;
		*out = t->target;
		morph_tag_free(t);
		if ((err = morph_object_info(&type, NULL, repo, out)) != NULL)
			return err;
		if (type != MORPH_OBJ_COMMIT)
			return corrupt(id, "it names an object that is not a "
			    "commit");
	}
	if (typep != NULL)
		*typep = type;
	return NULL;
}
