/*
 * The JSON Schema subset: every keyword, valid and invalid instances with
 * the exact reason, schemas refused at check time with the exact message,
 * and the limits that stop runaway schemas.
 */
#include "test.h"
#include "morph/buf.h"
#include "jsonschema_int.h"

/* Parses JSON written with ' for " (the tables are easier to read). */
static cJSON *
parse(const char *text)
{
	char *s = strdup(text), *p;
	cJSON *v;

	for (p = s; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	v = cJSON_Parse(s);
	free(s);
	if (v == NULL)
		T_FAIL("cannot parse %s", text);
	return v;
}

struct vcase {
	const char	*schema;
	const char	*instance;
	const char	*why;	/* NULL: valid */
};

static const struct vcase vcases[] = {
	/* boolean schemas */
	{ "true", "{'a': 1}", NULL },
	{ "false", "1", "/: not allowed (the schema is false)" },
	{ "{}", "[1, 'x', null]", NULL },
	/* type */
	{ "{'type': 'string'}", "'x'", NULL },
	{ "{'type': 'string'}", "1", "/: expected string, got number" },
	{ "{'type': 'integer'}", "3.0", NULL },
	{ "{'type': 'integer'}", "3.5", "/: expected integer, got number" },
	{ "{'type': 'number'}", "3", NULL },
	{ "{'type': 'null'}", "null", NULL },
	{ "{'type': 'boolean'}", "false", NULL },
	{ "{'type': 'object'}", "[]", "/: expected object, got array" },
	{ "{'type': 'array'}", "{}", "/: expected array, got object" },
	{ "{'type': ['string', 'null']}", "null", NULL },
	{ "{'type': ['string', 'null']}", "true",
	  "/: expected string or null, got boolean" },
	{ "{'type': ['string', 'integer', 'null']}", "1.5",
	  "/: expected string, integer or null, got number" },
	/* enum, const */
	{ "{'enum': ['red', 'green', 1, {'a': [1, 2]}]}", "'green'", NULL },
	{ "{'enum': ['red', 'green', 1, {'a': [1, 2]}]}", "1.0", NULL },
	{ "{'enum': ['red', 'green', 1, {'a': [1, 2]}]}", "{'a': [1, 2]}",
	  NULL },
	{ "{'enum': ['red', 'green', 1, {'a': [1, 2]}]}", "{'a': [2, 1]}",
	  "/: not one of the 4 values of enum" },
	{ "{'const': {'x': 1, 'y': [true]}}", "{'y': [true], 'x': 1}", NULL },
	{ "{'const': {'x': 1, 'y': [true]}}", "{'x': 1}",
	  "/: differs from const" },
	{ "{'const': null}", "0", "/: differs from const" },
	/* numbers */
	{ "{'minimum': 1, 'maximum': 5}", "5", NULL },
	{ "{'minimum': 1, 'maximum': 5}", "0.5",
	  "/: 0.5 is less than minimum 1" },
	{ "{'minimum': 1, 'maximum': 5}", "6",
	  "/: 6 is greater than maximum 5" },
	{ "{'exclusiveMinimum': 0}", "0",
	  "/: 0 is not greater than exclusiveMinimum 0" },
	{ "{'exclusiveMaximum': 1}", "1",
	  "/: 1 is not less than exclusiveMaximum 1" },
	{ "{'multipleOf': 0.1}", "0.3", NULL },
	{ "{'multipleOf': 2}", "7", "/: 7 is not a multiple of 2" },
	{ "{'minimum': 10}", "'not a number'", NULL },
	/* strings, in code points */
	{ "{'minLength': 4, 'maxLength': 4}", "'caf\xc3\xa9'", NULL },
	{ "{'maxLength': 3}", "'caf\xc3\xa9'",
	  "/: 4 characters, more than maxLength 3" },
	{ "{'minLength': 2}", "'\xf0\x9f\x98\x80'",
	  "/: 1 characters, fewer than minLength 2" },
	{ "{'pattern': '^[a-z]+-\\\\d+$'}", "'abc-12'", NULL },
	{ "{'pattern': '^[a-z]+-\\\\d+$'}", "'abc-x'",
	  "/: does not match pattern '^[a-z]+-\\d+$'" },
	{ "{'pattern': 'b'}", "'abc'", NULL },	/* not anchored */
	{ "{'pattern': '^\\\\p{Lu}'}", "'\xc3\x89t\xc3\xa9'", NULL },
	/* arrays */
	{ "{'minItems': 2}", "[1]", "/: 1 item, fewer than minItems 2" },
	{ "{'maxItems': 1}", "[1, 2]", "/: 2 items, more than maxItems 1" },
	{ "{'uniqueItems': true}", "[1, '1', {'a': 1}, {'a': 2}]", NULL },
	{ "{'uniqueItems': true}", "[{'a': 1, 'b': 2}, 3, {'b': 2, 'a': 1}]",
	  "/: items 0 and 2 are equal (uniqueItems)" },
	{ "{'uniqueItems': false}", "[1, 1]", NULL },
	{ "{'items': {'type': 'object', 'properties': {'name': {'type': "
	  "'string'}}}}", "[{'name': 'a'}, {}, {'name': 3}]",
	  "/2/name: expected string, got number" },
	{ "{'prefixItems': [{'type': 'string'}, {'type': 'number'}]}",
	  "['a', 1, true]", NULL },
	{ "{'prefixItems': [{'type': 'string'}, {'type': 'number'}]}",
	  "['a', 'b']", "/1: expected number, got string" },
	{ "{'prefixItems': [{'type': 'string'}], 'items': false}",
	  "['a', 'b']", "/: 2 items, more than the 1 of prefixItems "
	  "(items is false)" },
	{ "{'prefixItems': [{'type': 'string'}], 'items': {'type': "
	  "'integer'}}", "['a', 1, 2.5]", "/2: expected integer, got number" },
	{ "{'items': false}", "[]", NULL },
	{ "{'items': false}", "[0]", "/: 1 item, but items is false" },
	/* objects */
	{ "{'required': ['a', 'b']}", "{'a': 1}",
	  "/: missing required property 'b'" },
	{ "{'required': ['a']}", "[1]", NULL },
	{ "{'properties': {'a/b': {'type': 'string'}, 'c~d': {'type': "
	  "'string'}}}", "{'a/b': 1}", "/a~1b: expected string, got number" },
	{ "{'properties': {'c~d': {'type': 'string'}}}", "{'c~d': 1}",
	  "/c~0d: expected string, got number" },
	{ "{'properties': {'a': true}, 'additionalProperties': false}",
	  "{'a': 1, 'b': 2}",
	  "/: property 'b' is not allowed (additionalProperties is false)" },
	{ "{'properties': {'a': true}, 'patternProperties': {'^x-': true}, "
	  "'additionalProperties': false}", "{'a': 1, 'x-1': 2}", NULL },
	{ "{'patternProperties': {'^n_': {'type': 'number'}}}",
	  "{'n_a': 1, 'n_b': 'x', 'o': 'y'}",
	  "/n_b: expected number, got string" },
	{ "{'additionalProperties': {'type': 'string'}}", "{'a': 'x', 'b': "
	  "[]}", "/b: expected string, got array" },
	{ "{'properties': {'\xc3\xa9t\xc3\xa9': {'type': 'integer'}}}",
	  "{'\xc3\xa9t\xc3\xa9': 'x'}",
	  "/\xc3\xa9t\xc3\xa9: expected integer, got string" },
	/* combinators */
	{ "{'allOf': [{'type': 'number'}, {'minimum': 3}]}", "2",
	  "/: 2 is less than minimum 3" },
	{ "{'anyOf': [{'type': 'string'}, {'type': 'null'}]}", "null", NULL },
	{ "{'anyOf': [{'type': 'string'}, {'type': 'null'}]}", "1",
	  "/: matches none of the 2 schemas of anyOf" },
	{ "{'oneOf': [{'type': 'integer'}, {'minimum': 2}]}", "2.5", NULL },
	{ "{'oneOf': [{'type': 'integer'}, {'minimum': 2}]}", "3",
	  "/: matches schemas 0 and 1 of oneOf, not exactly one" },
	{ "{'oneOf': [{'type': 'integer'}]}", "'x'",
	  "/: matches none of the 1 schema of oneOf" },
	{ "{'not': {'type': 'string'}}", "1", NULL },
	{ "{'not': {'type': 'string'}}", "'x'",
	  "/: matches the schema of not" },
	{ "{'not': {'not': {'type': 'string'}}}", "1",
	  "/: matches the schema of not" },
	/* $ref */
	{ "{'$defs': {'name': {'type': 'string', 'minLength': 1}}, "
	  "'properties': {'first': {'$ref': '#/$defs/name'}}}",
	  "{'first': ''}", "/first: 0 characters, fewer than minLength 1" },
	{ "{'$defs': {'a/b': {'type': 'string'}}, 'items': {'$ref': "
	  "'#/$defs/a~1b'}}", "['x', 2]", "/1: expected string, got number" },
	{ "{'type': 'object', 'properties': {'kids': {'type': 'array', "
	  "'items': {'$ref': '#'}}}, 'additionalProperties': false}",
	  "{'kids': [{'kids': []}, {'kids': [{'kids': [], 'x': 1}]}]}",
	  "/kids/1/kids/0: property 'x' is not allowed "
	  "(additionalProperties is false)" },
	{ "{'$ref': '#/$defs/a', '$defs': {'a': {'type': 'string'}}, "
	  "'maxLength': 1}", "'ab'", "/: 2 characters, more than maxLength 1" },
	/* annotations */
	{ "{'$schema': 'https://json-schema.org/draft/2020-12/schema', "
	  "'$id': 'x', 'title': 't', 'description': 'd', '$comment': 'c', "
	  "'default': 1, 'examples': [1], 'deprecated': false, 'readOnly': "
	  "true, 'writeOnly': false}", "1", NULL },
	/* limits */
	{ "{'$defs': {'a': {'$ref': '#/$defs/b'}, 'b': {'$ref': "
	  "'#/$defs/a'}}, '$ref': '#/$defs/a'}", "1",
	  "/: '$ref' loops: more than 32 in a row" },
	{ "{'not': {'$ref': '#'}}", "1", "/: '$ref' loops: more than 32 in a "
	  "row" },
};

static void
test_validate(void)
{
	char why[512];
	size_t i;
	cJSON *s, *inst;
	int valid;

	for (i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
		test_current = vcases[i].schema;
		s = parse(vcases[i].schema);
		inst = parse(vcases[i].instance);
		if (s == NULL || inst == NULL)
			goto next;
		T_OK(morph_jsonschema_check(s));
		T_OK(morph_jsonschema_validate(&valid, why, sizeof(why), s,
		    inst));
		if (vcases[i].why == NULL) {
			if (!valid)
				T_FAIL("%s: invalid: %s", vcases[i].instance,
				    why);
		} else {
			T_INTEQ(valid, 0);
			T_STREQ(why, vcases[i].why);
		}
next:
		cJSON_Delete(s);
		cJSON_Delete(inst);
	}
}

struct ccase {
	const char	*schema;
	const char	*msg;
};

static const struct ccase ccases[] = {
	{ "1", "expected a schema (an object or a boolean)" },
	{ "'string'", "expected a schema (an object or a boolean)" },
	{ "{'if': {}}", "unsupported keyword 'if'" },
	{ "{'properties': {'a': {'then': {}}}}",
	  "unsupported keyword 'then' at /properties/a" },
	{ "{'format': 'email'}",
	  "unsupported keyword 'format' (formats are not checked; use "
	  "'pattern')" },
	{ "{'definitions': {}}", "unsupported keyword 'definitions' (use "
	  "'$defs')" },
	{ "{'items': [{}]}", "expected a schema (an object or a boolean) at "
	  "/items" },
	{ "{'type': 'text'}", "'type' must be one of null, boolean, object, "
	  "array, number, string and integer, or an array of them" },
	{ "{'type': []}", "'type' must be one of null, boolean, object, "
	  "array, number, string and integer, or an array of them" },
	{ "{'type': ['string', 'string']}", "'type' names 'string' twice" },
	{ "{'minLength': -1}", "'minLength' must be a non-negative integer" },
	{ "{'maxItems': 1.5}", "'maxItems' must be a non-negative integer" },
	{ "{'properties': {'name': {'minLength': '3'}}}",
	  "'minLength' must be a non-negative integer at /properties/name" },
	{ "{'minimum': '3'}", "'minimum' must be a number" },
	{ "{'multipleOf': 0}", "'multipleOf' must be a number greater than 0" },
	{ "{'uniqueItems': 1}", "'uniqueItems' must be true or false" },
	{ "{'enum': 'a'}", "'enum' must be an array" },
	{ "{'required': ['a', 1]}", "'required' must be an array of property "
	  "names" },
	{ "{'required': ['a', 'a']}", "'required' names 'a' twice" },
	{ "{'properties': []}", "'properties' must be an object of schemas" },
	{ "{'allOf': []}", "'allOf' must be a non-empty array of schemas" },
	{ "{'anyOf': [{}, 3]}", "expected a schema (an object or a boolean) "
	  "at /anyOf/1" },
	{ "{'pattern': '('}", "'pattern': '(' is not a valid regex (missing "
	  "closing parenthesis at offset 1)" },
	{ "{'properties': {'a': {}}, 'patternProperties': {'[': {}}}",
	  "'patternProperties': '[' is not a valid regex (missing terminating "
	  "] for character class at offset 1)" },
	{ "{'$ref': 'other.json'}", "'$ref' 'other.json' is not supported: "
	  "expected '#' or '#/$defs/NAME'" },
	{ "{'items': {'$ref': '#/$defs/missing'}}", "'$ref' "
	  "'#/$defs/missing' names no definition of the root's '$defs' at "
	  "/items" },
	{ "{'$defs': {'a': {'$defs': {'b': {}}}}, '$ref': '#/$defs/b'}",
	  "'$ref' '#/$defs/b' names no definition of the root's '$defs'" },
	{ "{'$defs': {'x': {'maximum': null}}}", "'maximum' must be a number "
	  "at /$defs/x" },
	{ "{'properties': {'a': {'$schema': 'x'}}}", "unsupported keyword "
	  "'$schema' (only at the root) at /properties/a" },
	{ "{'title': 3}", "'title' must be a string" },
	{ "{'type': 'string', 'type': 'number'}", "keyword 'type' given "
	  "twice" },
};

static void
test_check(void)
{
	const struct morph_error *err;
	size_t i;
	cJSON *s;

	for (i = 0; i < sizeof(ccases) / sizeof(ccases[0]); i++) {
		test_current = ccases[i].schema;
		if ((s = parse(ccases[i].schema)) == NULL)
			continue;
		err = morph_jsonschema_check(s);
		T_ASSERT(err != NULL);
		if (err != NULL) {
			T_INTEQ(err->code, MORPH_ERR_SUITE);
			T_STREQ(err->msg, ccases[i].msg);
		}
		cJSON_Delete(s);
	}
}

/* Schemas built to run away are stopped, with a reason. */
static void
test_limits(void)
{
	struct morph_buf b = MORPH_BUF_INIT;
	char why[512];
	cJSON *s, *inst;
	int valid, i;

	test_current = "test_limits";
	/* 2^20 evaluations through nested anyOf over the same $ref. */
	morph_buf_puts(&b, "{\"$defs\": {\"d0\": true");
	for (i = 1; i <= 20; i++)
		morph_buf_printf(&b, ", \"d%d\": {\"anyOf\": [{\"$ref\": "
		    "\"#/$defs/d%d\"}, {\"$ref\": \"#/$defs/d%d\"}], \"not\": "
		    "{\"$ref\": \"#/$defs/d%d\"}}", i, i - 1, i - 1, i - 1);
	morph_buf_puts(&b, "}, \"$ref\": \"#/$defs/d20\"}");
	s = cJSON_Parse(morph_buf_cstr(&b));
	inst = cJSON_Parse("1");
	T_ASSERT(s != NULL);
	T_OK(morph_jsonschema_check(s));
	T_OK(morph_jsonschema_validate(&valid, why, sizeof(why), s, inst));
	T_INTEQ(valid, 0);
	T_STREQ(why, "/: validation takes more than 1000000 steps");
	cJSON_Delete(s);
	cJSON_Delete(inst);

	/* An instance deeper than the depth limit, through a recursive $ref. */
	morph_buf_clear(&b);
	for (i = 0; i < 300; i++)
		morph_buf_putc(&b, '[');
	for (i = 0; i < 300; i++)
		morph_buf_putc(&b, ']');
	inst = cJSON_Parse(morph_buf_cstr(&b));
	s = cJSON_Parse("{\"type\": \"array\", \"items\": {\"$ref\": "
	    "\"#\"}}");
	T_OK(morph_jsonschema_validate(&valid, why, sizeof(why), s, inst));
	T_INTEQ(valid, 0);
	T_CONTAINS(why, "validation nests deeper than 256 schemas");
	cJSON_Delete(s);
	cJSON_Delete(inst);

	/* A pattern that backtracks without end fails, quickly. */
	s = cJSON_Parse("{\"pattern\": \"^(a+)+$\"}");
	inst = cJSON_Parse("\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\"");
	T_OK(morph_jsonschema_validate(&valid, why, sizeof(why), s, inst));
	T_INTEQ(valid, 0);
	T_CONTAINS(why, "could not be matched");
	cJSON_Delete(s);
	cJSON_Delete(inst);
	morph_buf_release(&b);
}

static const struct test tests[] = {
	TEST(test_validate),
	TEST(test_check),
	TEST(test_limits),
};

TEST_MAIN(tests)
