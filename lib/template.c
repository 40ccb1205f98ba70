/*
 * {{var}} templates in prompt files (morph-suite(5), TEMPLATES).
 *
 * The rule, which has no syntax errors so that any text is a valid
 * template:
 *
 *	1. A reference is "{{", optional blanks (spaces or tabs), a name,
 *	   optional blanks and "}}".  A name is one or more keys joined by
 *	   '.', a key is an ASCII letter or '_' followed by letters, digits,
 *	   '_' or '-'.
 *	2. Scanning goes left to right; at each "{{" that does not begin a
 *	   reference, the first '{' is text and scanning resumes after it, so
 *	   "{{{x}}}" is '{', the value of x and '}'.
 *	3. A reference after one backslash is text: the backslash goes, the
 *	   reference stays as written.  After two backslashes it is replaced,
 *	   and the two backslashes become one.  Every other backslash, and
 *	   everything that is not a reference, is text and is copied as is.
 *	4. A reference is replaced by the value of its name in the case's
 *	   vars, each key descending into an object: a string as it is,
 *	   anything else (number, true, false, null, array, object) as
 *	   compact JSON.  A name with no value is an error.
 */
#include <stdlib.h>
#include <string.h>

#include "suite_int.h"

/* One reference or escaped reference found in a template. */
struct ref {
	size_t	 text_end;	/* text before it ends here */
	size_t	 start;		/* its "{{" */
	size_t	 end;		/* just past its "}}" */
	size_t	 name;		/* its name: offset and length */
	size_t	 namelen;
	int	 literal;	/* escaped: copy start..end as text */
};

static int
key_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
key_char(int c)
{
	return key_start(c) || (c >= '0' && c <= '9') || c == '-';
}

/*
 * Whether a reference begins at s[i] ("{{" there); if so fills the
 * name and end of r.
 */
static int
parse_ref(const char *s, size_t len, size_t i, struct ref *r)
{
	size_t j = i + 2;

	while (j < len && (s[j] == ' ' || s[j] == '\t'))
		j++;
	r->name = j;
	for (;;) {
		if (j >= len || !key_start((unsigned char)s[j]))
			return 0;
		while (j < len && key_char((unsigned char)s[j]))
			j++;
		if (j < len && s[j] == '.') {
			j++;
			continue;
		}
		break;
	}
	r->namelen = j - r->name;
	while (j < len && (s[j] == ' ' || s[j] == '\t'))
		j++;
	if (j + 1 >= len || s[j] != '}' || s[j + 1] != '}')
		return 0;
	r->start = i;
	r->end = j + 2;
	return 1;
}

/*
 * Finds the next reference at or after from; 0 when there is none.
 * text_end tells where the text before it stops: before the escaping
 * backslash, or after the first of two.
 */
static int
next_ref(const char *s, size_t len, size_t from, struct ref *r)
{
	const char *p;
	size_t i = from;

	while (i + 1 < len) {
		p = memchr(s + i, '{', len - i - 1);
		if (p == NULL)
			return 0;
		i = (size_t)(p - s);
		if (s[i + 1] == '{' && parse_ref(s, len, i, r)) {
			r->literal = 0;
			r->text_end = i;
			if (i > from && s[i - 1] == '\\') {
				if (i - 1 > from && s[i - 2] == '\\')
					r->text_end = i - 1;
				else {
					r->literal = 1;
					r->text_end = i - 1;
				}
			}
			return 1;
		}
		i++;
	}
	return 0;
}

const cJSON *
morph_template_lookup(const cJSON *vars, const char *name, size_t len)
{
	const cJSON *v = vars, *c;
	const char *key = name, *end = name + len, *dot;
	size_t klen;

	while (key < end) {
		dot = memchr(key, '.', (size_t)(end - key));
		klen = dot != NULL ? (size_t)(dot - key) : (size_t)(end - key);
		if (!cJSON_IsObject(v))
			return NULL;
		/* cJSON wants NUL-terminated keys: compare by hand. */
		for (c = v->child; c != NULL; c = c->next)
			if (c->string != NULL && strncmp(c->string, key,
			    klen) == 0 && c->string[klen] == '\0')
				break;
		if (c == NULL)
			return NULL;
		v = c;
		key += klen + 1;
	}
	return v;
}

const struct morph_error *
morph_template_vars(const char *tmpl, morph_template_var_cb cb, void *arg)
{
	const struct morph_error *err;
	size_t len = strlen(tmpl), at = 0;
	struct ref r;

	while (next_ref(tmpl, len, at, &r)) {
		if (!r.literal && (err = cb(tmpl + r.name, r.namelen, arg))
		    != NULL)
			return err;
		at = r.end;
	}
	return NULL;
}

const struct morph_error *
morph_template_render(struct morph_buf *out, const char *tmpl,
    const cJSON *vars, const char *what)
{
	size_t len = strlen(tmpl), at = 0;
	const cJSON *v;
	struct ref r;
	char *json;

	while (next_ref(tmpl, len, at, &r)) {
		morph_buf_put(out, tmpl + at, r.text_end - at);
		if (r.literal) {
			morph_buf_put(out, tmpl + r.start, r.end - r.start);
			at = r.end;
			continue;
		}
		v = morph_template_lookup(vars, tmpl + r.name, r.namelen);
		if (v == NULL)
			return morph_error_fmt(MORPH_ERR_SUITE,
			    "%s: missing variable '%.*s'", what,
			    (int)r.namelen, tmpl + r.name);
		if (cJSON_IsString(v))
			morph_buf_puts(out, v->valuestring);
		else {
			if ((json = cJSON_PrintUnformatted(v)) == NULL)
				return morph_error(MORPH_ERR_NOMEM);
			morph_buf_puts(out, json);
			cJSON_free(json);
		}
		at = r.end;
	}
	morph_buf_put(out, tmpl + at, len - at);
	return morph_buf_status(out);
}
