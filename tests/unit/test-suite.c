/*
 * The suite: loading morph.json, prompt and case files from a committed
 * tree, every error with its exact message, globs, templates, the
 * implicit default case, the starter suite and a large case file.
 */

#include "test.h"
#include "morph/morph.h"
#include "morph/select.h"
#include "suite_int.h"

#define NFILES	8

struct file {
	const char	*path;
	const char	*text;
};

static struct morph_repo *repo;

/* One repository for the whole file: trees are written, not checked out. */
static struct morph_repo *
the_repo(void)
{
	if (repo == NULL)
		repo = test_repo();
	return repo;
}

/*
 * Writes the files as a tree and loads its suite, with only the cases
 * keep accepts when it is not NULL.
 */
static const struct morph_error *
load_keep(struct morph_suite **out, const struct file *files,
    morph_suite_keep_cb keep, void *arg)
{
	struct morph_repo *r = the_repo();
	const struct morph_error *err = NULL;
	struct morph_entrylist l;
	struct morph_oid id, tree;
	size_t i;

	*out = NULL;
	morph_entrylist_init(&l);
	for (i = 0; i < NFILES && files[i].path != NULL && err == NULL; i++) {
		err = morph_object_write(&id, r, MORPH_OBJ_BLOB, files[i].text,
		    strlen(files[i].text));
		if (err == NULL)
			err = morph_entrylist_add(&l, files[i].path, &id,
			    MORPH_MODE_FILE);
	}
	morph_entrylist_sort(&l);
	if (err == NULL)
		err = morph_tree_write(&tree, r, l.v, l.n);
	morph_entrylist_release(&l);
	if (err != NULL) {
		T_FAIL("cannot write the tree: %s", err->msg);
		return err;
	}
	return keep == NULL ? morph_suite_load(out, r, &tree) :
	    morph_suite_load_some(out, r, &tree, keep, arg);
}

static const struct morph_error *
load(struct morph_suite **out, const struct file *files)
{
	return load_keep(out, files, NULL, NULL);
}

/* A suite with one prompt and one case file. */
#define BASIC_JSON \
	"{\"prompts\": [\"prompts/*.txt\"], \"cases\": [\"cases/*.jsonl\"], " \
	"\"models\": [\"echo:x\"]}"

static void
test_valid_suite(void)
{
	static const struct file files[] = {
		{ "morph.json",
		  "{\n"
		  "  \"description\": \"ignored\",\n"
		  "  \"prompts\": [\"prompts/*.txt\", \"prompts/*.json\"],\n"
		  "  \"models\": [\n"
		  "    \"OpenAI:gpt-4o-mini\",\n"
		  "    {\"id\": \"haiku\", \"model\": "
		  "\"anthropic:claude-haiku-4-5\",\n"
		  "     \"temperature\": 0.5, \"max_tokens\": null,\n"
		  "     \"description\": \"also ignored\"},\n"
		  "    \"ollama:llama3.2:3b\",\n"
		  "    \"groq/llama-3.1-8b-instant\"\n"
		  "  ],\n"
		  "  \"cases\": [\"cases/*.jsonl\"],\n"
		  "  \"defaults\": {\"temperature\": 0, \"max_tokens\": 512,\n"
		  "    \"stop\": [\"END\"],\n"
		  "    \"assert\": [{\"type\": \"not-contains\", "
		  "\"value\": \"As an AI\"}]},\n"
		  "  \"judge\": \"openai:gpt-4o-mini\"\n"
		  "}\n" },
		{ "prompts/b.txt", "Capital of {{country}}?\n\n" },
		{ "prompts/a.json",
		  "{\"messages\": [{\"role\": \"system\", \"content\": "
		  "\"Be brief.\"}, {\"role\": \"user\", \"content\": "
		  "\"{{ q }}\", \"description\": \"x\"}], "
		  "\"params\": {\"temperature\": 1, \"stop\": null, "
		  "\"description\": \"y\"}}" },
		{ "cases/one.jsonl",
		  "{\"id\": \"paris\", \"description\": \"d\", "
		  "\"vars\": {\"country\": \"France\", \"q\": \"Hi\"}, "
		  "\"assert\": [{\"type\": \"icontains\", \"value\": "
		  "\"paris\"}]}\r\n"
		  "\n"
		  "   \t\n"
		  "{\"id\": \"rome\", \"vars\": {\"country\": \"Italy\"}, "
		  "\"prompts\": [\"prompts/b.txt\"]}\n" },
		{ "cases/two.jsonl",
		  "\xef\xbb\xbf{\"id\": \"hello\", "
		  "\"vars\": {\"q\": \"Hello\"}, "
		  "\"prompts\": [\"prompts/a.json\"]}" },
		{ "notes.md", "not part of the suite" },
		{ NULL, NULL },
	};
	struct morph_suite *s;
	cJSON *params, *msgs;
	char *text;

	T_OK(load(&s, files));
	if (s == NULL)
		return;
	T_INTEQ(s->nprompts, 2);
	T_STREQ(s->prompts[0].path, "prompts/a.json");
	T_STREQ(s->prompts[1].path, "prompts/b.txt");
	text = cJSON_PrintUnformatted(s->prompts[1].messages);
	T_STREQ(text, "[{\"role\":\"user\",\"content\":\"Capital of "
	    "{{country}}?\"}]");
	free(text);
	text = cJSON_PrintUnformatted(s->prompts[0].params);
	T_STREQ(text, "{\"temperature\":1,\"stop\":null}");
	free(text);
	T_ASSERT(s->prompts[1].params == NULL);

	T_INTEQ(s->nmodels, 4);
	T_STREQ(s->models[0].id, "OpenAI:gpt-4o-mini");
	T_STREQ(s->models[0].spec, "OpenAI:gpt-4o-mini");
	T_STREQ(s->models[0].provider, "openai");
	T_STREQ(s->models[0].model, "gpt-4o-mini");
	text = cJSON_PrintUnformatted(s->models[0].params);
	T_STREQ(text, "{\"temperature\":0,\"max_tokens\":512,"
	    "\"stop\":[\"END\"]}");
	free(text);
	T_STREQ(s->models[1].id, "haiku");
	T_STREQ(s->models[1].provider, "anthropic");
	T_STREQ(s->models[1].model, "claude-haiku-4-5");
	text = cJSON_PrintUnformatted(s->models[1].params);
	T_STREQ(text, "{\"stop\":[\"END\"],\"temperature\":0.5}");
	free(text);
	T_STREQ(s->models[2].provider, "ollama");
	T_STREQ(s->models[2].model, "llama3.2:3b");
	T_STREQ(s->models[3].provider, "groq");
	T_STREQ(s->models[3].model, "llama-3.1-8b-instant");
	T_STREQ(s->judge, "openai:gpt-4o-mini");

	/* Defaults, then the model's own settings, then the prompt's. */
	T_OK(morph_suite_params(&params, &s->models[1], &s->prompts[0]));
	text = cJSON_PrintUnformatted(params);
	T_STREQ(text, "{\"temperature\":1}");
	free(text);
	cJSON_Delete(params);

	T_INTEQ(s->ncases, 3);
	T_STREQ(s->cases[0].id, "paris");
	T_STREQ(s->cases[0].file, "cases/one.jsonl");
	T_INTEQ(s->cases[0].line, 1);
	T_ASSERT(s->cases[0].prompts == NULL);
	text = cJSON_PrintUnformatted(s->cases[0].asserts);
	T_STREQ(text, "[{\"type\":\"not-contains\",\"value\":\"As an AI\"},"
	    "{\"type\":\"icontains\",\"value\":\"paris\"}]");
	free(text);
	T_STREQ(s->cases[1].id, "rome");
	T_INTEQ(s->cases[1].line, 4);
	T_INTEQ(s->cases[1].nprompts, 1);
	T_STREQ(s->cases[2].id, "hello");
	T_STREQ(s->cases[2].file, "cases/two.jsonl");
	T_INTEQ(s->cases[2].line, 1);
	text = cJSON_PrintUnformatted(s->cases[2].asserts);
	T_STREQ(text, "[{\"type\":\"not-contains\",\"value\":\"As an AI\"}]");
	free(text);

	/* Cases restricted to prompts. */
	T_ASSERT(morph_suite_case_applies(&s->cases[0], &s->prompts[0]));
	T_ASSERT(morph_suite_case_applies(&s->cases[0], &s->prompts[1]));
	T_ASSERT(!morph_suite_case_applies(&s->cases[1], &s->prompts[0]));
	T_ASSERT(morph_suite_case_applies(&s->cases[1], &s->prompts[1]));
	T_ASSERT(morph_suite_case_applies(&s->cases[2], &s->prompts[0]));
	T_ASSERT(!morph_suite_case_applies(&s->cases[2], &s->prompts[1]));

	T_OK(morph_suite_render(&msgs, &s->prompts[0], &s->cases[2]));
	text = cJSON_PrintUnformatted(msgs);
	T_STREQ(text, "[{\"role\":\"system\",\"content\":\"Be brief.\"},"
	    "{\"role\":\"user\",\"content\":\"Hello\"}]");
	free(text);
	cJSON_Delete(msgs);
	T_OK(morph_suite_render(&msgs, &s->prompts[1], &s->cases[1]));
	text = cJSON_PrintUnformatted(msgs);
	T_STREQ(text, "[{\"role\":\"user\",\"content\":\"Capital of "
	    "Italy?\"}]");
	free(text);
	cJSON_Delete(msgs);
	/* Rendering a case with a prompt it does not apply to. */
	T_ERR(morph_suite_render(&msgs, &s->prompts[1], &s->cases[2]),
	    MORPH_ERR_SUITE);
	morph_suite_free(s);
}

static void
test_default_case(void)
{
	static const struct file files[] = {
		{ "morph.json", "{\"prompts\": [\"p.md\"], \"defaults\": "
		  "{\"assert\": [{\"type\": \"is-json\"}]}}" },
		{ "p.md", "# Say hello\n\nWith {braces} and \\{{escaped}}." },
		{ NULL, NULL },
	};
	static const struct file empty_cases[] = {
		{ "morph.json", "{\"prompts\": [\"p.txt\"], \"cases\": "
		  "[\"c.jsonl\"]}" },
		{ "p.txt", "hi" },
		{ "c.jsonl", "\n\n" },
		{ NULL, NULL },
	};
	struct morph_suite *s;
	cJSON *msgs;
	char *text;

	T_OK(load(&s, files));
	if (s != NULL) {
		T_INTEQ(s->nmodels, 0);
		T_ASSERT(s->judge == NULL);
		T_INTEQ(s->ncases, 1);
		T_STREQ(s->cases[0].id, "default");
		T_STREQ(s->cases[0].file, "");
		T_INTEQ(s->cases[0].line, 0);
		T_ASSERT(s->cases[0].prompts == NULL);
		T_ASSERT(cJSON_IsObject(s->cases[0].vars));
		text = cJSON_PrintUnformatted(s->cases[0].asserts);
		T_STREQ(text, "[{\"type\":\"is-json\"}]");
		free(text);
		T_OK(morph_suite_render(&msgs, &s->prompts[0], &s->cases[0]));
		text = cJSON_PrintUnformatted(msgs);
		T_STREQ(text, "[{\"role\":\"user\",\"content\":\"# Say hello"
		    "\\n\\nWith {braces} and {{escaped}}.\"}]");
		free(text);
		cJSON_Delete(msgs);
		morph_suite_free(s);
	}
	/* Case files without a case: the default case too. */
	T_OK(load(&s, empty_cases));
	if (s != NULL) {
		T_INTEQ(s->ncases, 1);
		T_STREQ(s->cases[0].id, "default");
		morph_suite_free(s);
	}
}

static void
test_globs(void)
{
	static const struct {
		const char	*prompts;	/* the JSON array */
		const char	*want;		/* paths, ' '-separated */
	} cases[] = {
		{ "[\"*.txt\"]", "top.txt" },
		{ "[\"*\"]", "top.txt" },
		{ "[\"p/*.txt\"]", "p/a.txt" },
		{ "[\"p/**/*.txt\"]", "p/a.txt p/x/b.txt p/x/y/c.txt" },
		{ "[\"**/*.txt\"]", "p/a.txt p/x/b.txt p/x/y/c.txt top.txt" },
		{ "[\"p/**\"]", "p/a.txt p/x/b.txt p/x/y/c.txt p/x/y/d.md" },
		{ "[\"p/x/**/c.txt\"]", "p/x/y/c.txt" },
		{ "[\"p/*/*.txt\", \"p/a.txt\"]", "p/a.txt p/x/b.txt" },
		{ "[\"p/?.txt\", \"p/[ab].txt\"]", "p/a.txt" },
		{ "[\"p/x/y/*\"]", "p/x/y/c.txt p/x/y/d.md" },
	};
	struct file files[] = {
		{ "morph.json", NULL },
		{ "top.txt", "t" },
		{ "p/a.txt", "a" },
		{ "p/x/b.txt", "b" },
		{ "p/x/y/c.txt", "c" },
		{ "p/x/y/d.md", "d" },
		{ NULL, NULL },
	};
	struct morph_suite *s;
	char json[256], got[256];
	size_t i, j, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(json, sizeof(json), "{\"prompts\": %s}",
		    cases[i].prompts);
		files[0].text = json;
		T_OK(load(&s, files));
		if (s == NULL)
			continue;
		got[0] = '\0';
		for (j = 0; j < s->nprompts; j++) {
			n = strlen(got);
			snprintf(got + n, sizeof(got) - n, "%s%s",
			    j ? " " : "", s->prompts[j].path);
		}
		if (strcmp(got, cases[i].want) != 0)
			T_FAIL("%s matched \"%s\", expected \"%s\"",
			    cases[i].prompts, got, cases[i].want);
		morph_suite_free(s);
	}
}

/* Every error a user can hit, with its exact message. */
static void
test_errors(void)
{
	static const struct {
		struct file	 files[NFILES];
		const char	*msg;
	} cases[] = {
		/* morph.json */
		{ { { "p.txt", "x" } },
		  "morph.json: no such file at the root of the commit: a suite "
		  "starts there (see morph-suite(5))" },
		{ { { "morph.json", "{\n  \"prompts\": [,]\n}" } },
		  "morph.json:2:15: invalid JSON near ',]'" },
		{ { { "morph.json", "{\"prompts\": [\"a\"]} x" } },
		  "morph.json:1:20: invalid JSON: unexpected text after the "
		  "value" },
		{ { { "morph.json", "{\"prompts\": \n\"\xff\"}" } },
		  "morph.json:2: not valid UTF-8 text" },
		{ { { "morph.json", "[]" } },
		  "morph.json: expected a JSON object" },
		{ { { "morph.json", "{\"promts\": []}" } },
		  "morph.json: promts: unknown field" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"prompts\": [\"q.txt\"]}" }, { "p.txt", "x" } },
		  "morph.json:1: prompts: duplicate key" },
		{ { { "morph.json", "{\n  \"prompts\": [\"p.txt\"],\n  "
		    "\"defaults\": {\"max_tokens\": 9,\n    "
		    "\"response_format\": {\"type\": \"text\",\n      "
		    "\"type\": \"json_object\"}}\n}\n" }, { "p.txt", "x" } },
		  "morph.json:5: defaults.response_format.type: duplicate "
		  "key" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"],\n"
		    "\"defaults\": {\"assert\": [{\"type\": \"icontains\", "
		    "\"value\": \"a\",\n\"value\": \"b\"}]}}" },
		    { "p.txt", "x" } },
		  "morph.json:3: defaults.assert[0].value: duplicate key" },
		{ { { "morph.json", "{}" } },
		  "morph.json: prompts: missing: name the prompt files, as in "
		  "[\"prompts/*.txt\"]" },
		{ { { "morph.json", "{\"prompts\": \"p.txt\"}" } },
		  "morph.json: prompts: expected an array of glob patterns" },
		{ { { "morph.json", "{\"prompts\": []}" } },
		  "morph.json: prompts: empty: expected at least one glob "
		  "pattern, as in \"prompts/*.txt\"" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\", 3]}" } },
		  "morph.json: prompts[1]: expected a glob pattern (a "
		  "non-empty string)" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\", \"x/*\"]}" },
		    { "p.txt", "x" } },
		  "morph.json: prompts[1]: 'x/*' matches no file" },
		{ { { "morph.json", "{\"prompts\": [\"morph.json\"]}" } },
		  "morph.json: prompts[0]: 'morph.json' matches no file" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"cases\": {}}" } },
		  "morph.json: cases: expected an array of glob patterns" },
		{ { { "morph.json", "{\"prompts\": [\"*\"], "
		    "\"cases\": [\"*.jsonl\"]}" }, { "p.txt", "x" },
		    { "c.jsonl", "" } },
		  "morph.json: cases[0]: '*.jsonl' matches c.jsonl, which is a "
		  "prompt file" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"models\": \"echo:x\"}" }, { "p.txt", "x" } },
		  "morph.json: models: expected an array of models" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"models\": [7]}" }, { "p.txt", "x" } },
		  "morph.json: models[0]: expected \"provider:model\" or an "
		  "object with \"model\"" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"models\": [\"echo:x\", \"gpt4\"]}" }, { "p.txt", "x" } },
		  "morph.json: models[1]: 'gpt4' is not a model spec: expected "
		  "provider:model, as in \"openai:gpt-4o-mini\"" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"models\": [\":x\"]}" }, { "p.txt", "x" } },
		  "morph.json: models[0]: ':x' is not a model spec: expected "
		  "provider:model, as in \"openai:gpt-4o-mini\"" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"models\": [\"openai:\"]}" }, { "p.txt", "x" } },
		  "morph.json: models[0]: 'openai:' is not a model spec: "
		  "expected provider:model, as in \"openai:gpt-4o-mini\"" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"models\": [{\"id\": \"a\"}]}" }, { "p.txt", "x" } },
		  "morph.json: models[0].model: missing: name the model, as in "
		  "\"openai:gpt-4o-mini\"" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"models\": [{\"model\": 1}]}" }, { "p.txt", "x" } },
		  "morph.json: models[0].model: expected a string, as in "
		  "\"openai:gpt-4o-mini\"" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"models\": [{\"model\": \"x\"}]}" }, { "p.txt", "x" } },
		  "morph.json: models[0].model: 'x' is not a model spec: "
		  "expected provider:model, as in \"openai:gpt-4o-mini\"" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"models\": [{\"model\": \"echo:x\", \"id\": \"\"}]}" },
		    { "p.txt", "x" } },
		  "morph.json: models[0].id: expected a non-empty string "
		  "without control characters" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"models\": [\"echo:x\", {\"model\": \"echo:y\", "
		    "\"id\": \"echo:x\"}]}" }, { "p.txt", "x" } },
		  "morph.json: models[1]: duplicate model id 'echo:x' (give "
		  "each an \"id\")" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"models\": [\"echo:x\", {\"model\": \"echo:y\", "
		    "\"temperature\": 3}]}" }, { "p.txt", "x" } },
		  "morph.json: models[1].temperature: expected a number from 0 "
		  "to 2" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"models\": [{\"model\": \"echo:y\", "
		    "\"temprature\": 1}]}" }, { "p.txt", "x" } },
		  "morph.json: models[0].temprature: unknown setting (expected "
		  "one of frequency_penalty, max_tokens, presence_penalty, "
		  "response_format, seed, stop, temperature, top_k, top_p)" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"models\": [{\"model\": \"echo:y\", \"seed\": 1, "
		    "\"seed\": 2}]}" }, { "p.txt", "x" } },
		  "morph.json:1: models[0].seed: duplicate key" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": []}" }, { "p.txt", "x" } },
		  "morph.json: defaults: expected an object of settings and "
		  "\"assert\"" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"temperature\": null}}" },
		    { "p.txt", "x" } },
		  "morph.json: defaults.temperature: expected a number from 0 "
		  "to 2" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"max_tokens\": 0}}" }, { "p.txt", "x" } },
		  "morph.json: defaults.max_tokens: expected a whole number "
		  "from 1 to 2147483647" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"max_tokens\": 1.5}}" },
		    { "p.txt", "x" } },
		  "morph.json: defaults.max_tokens: expected a whole number "
		  "from 1 to 2147483647" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"max_tokens\": \"100\"}}" },
		    { "p.txt", "x" } },
		  "morph.json: defaults.max_tokens: expected a whole number "
		  "from 1 to 2147483647" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"top_p\": 1.01}}" }, { "p.txt", "x" } },
		  "morph.json: defaults.top_p: expected a number from 0 to 1" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"top_k\": 0}}" }, { "p.txt", "x" } },
		  "morph.json: defaults.top_k: expected a whole number from 1 "
		  "to 2147483647" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"max_tokens\": 2147483648}}" },
		    { "p.txt", "x" } },
		  "morph.json: defaults.max_tokens: expected a whole number "
		  "from 1 to 2147483647" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"models\": [{\"model\": \"echo:y\", "
		    "\"top_k\": 1e999}]}" }, { "p.txt", "x" } },
		  "morph.json: models[0].top_k: expected a whole number from 1 "
		  "to 2147483647" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"temperature\": 1e999}}" },
		    { "p.txt", "x" } },
		  "morph.json: defaults.temperature: expected a number from 0 "
		  "to 2" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"seed\": 1e16}}" }, { "p.txt", "x" } },
		  "morph.json: defaults.seed: expected a whole number from "
		  "-9007199254740991 to 9007199254740991" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"seed\": 0.5}}" }, { "p.txt", "x" } },
		  "morph.json: defaults.seed: expected a whole number from "
		  "-9007199254740991 to 9007199254740991" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"presence_penalty\": -2.5}}" },
		    { "p.txt", "x" } },
		  "morph.json: defaults.presence_penalty: expected a number "
		  "from -2 to 2" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"frequency_penalty\": true}}" },
		    { "p.txt", "x" } },
		  "morph.json: defaults.frequency_penalty: expected a number "
		  "from -2 to 2" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"stop\": \"\"}}" }, { "p.txt", "x" } },
		  "morph.json: defaults.stop: expected a non-empty string or "
		  "an array of them" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"stop\": [\"a\", 1]}}" },
		    { "p.txt", "x" } },
		  "morph.json: defaults.stop: expected a non-empty string or "
		  "an array of them" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"response_format\": {\"type\": "
		    "\"xml\"}}}" }, { "p.txt", "x" } },
		  "morph.json: defaults.response_format: expected an object "
		  "whose \"type\" is \"text\", \"json_object\" or "
		  "\"json_schema\"" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"response_format\": {\"type\": "
		    "\"json_schema\"}}}" }, { "p.txt", "x" } },
		  "morph.json: defaults.response_format: expected an object "
		  "whose \"type\" is \"text\", \"json_object\" or "
		  "\"json_schema\"" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"assert\": {}}}" }, { "p.txt", "x" } },
		  "morph.json: defaults.assert: expected an array of "
		  "assertions" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"defaults\": {\"assert\": [{\"value\": 1}]}}" },
		    { "p.txt", "x" } },
		  "morph.json: defaults.assert[0]: expected an object with a "
		  "string \"type\"" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"judge\": {}}" }, { "p.txt", "x" } },
		  "morph.json: judge: expected a model spec, as in "
		  "\"openai:gpt-4o-mini\"" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"], "
		    "\"judge\": \"gpt-4o\"}" }, { "p.txt", "x" } },
		  "morph.json: judge: 'gpt-4o' is not a model spec: expected "
		  "provider:model, as in \"openai:gpt-4o-mini\"" },

		/* prompt files */
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.yaml", "x: 1" } },
		  "p/a.yaml: unknown kind of prompt file: expected a name "
		  "ending in .txt, .md or .json" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.txt", "one\ntwo \xc3\x28\n" } },
		  "p/a.txt:2: not valid UTF-8 text" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.txt", "\n\n" } },
		  "p/a.txt: empty prompt" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.json", "[\n{\"role\": \"user\" \"content\": 1}]" } },
		  "p/a.json:2:17: invalid JSON near '\"content\": 1}]'" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.json", "\"hello\"" } },
		  "p/a.json: expected an array of messages or an object with "
		  "\"messages\"" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.json", "{\"params\": {}}" } },
		  "p/a.json: messages: missing" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.json", "{\"messages\": [], \"extra\": 1}" } },
		  "p/a.json: extra: unknown field" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.json", "[]" } },
		  "p/a.json: messages: empty: expected at least one message" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.json", "{\"messages\": {}}" } },
		  "p/a.json: messages: expected an array of messages" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.json", "[\"hi\"]" } },
		  "p/a.json: messages[0]: expected an object with \"role\" and "
		  "\"content\"" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.json", "[{\"role\": \"user\", \"content\": \"a\"}, "
		      "{\"role\": \"tool\", \"content\": \"b\"}]" } },
		  "p/a.json: messages[1].role: expected \"system\", "
		  "\"user\" or \"assistant\"" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.json", "[{\"content\": \"b\"}]" } },
		  "p/a.json: messages[0].role: expected \"system\", "
		  "\"user\" or \"assistant\"" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.json", "[{\"role\": \"user\", \"content\": "
		      "[{\"type\": \"text\"}]}]" } },
		  "p/a.json: messages[0].content: expected a string" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.json", "[{\"role\": \"user\", \"content\": \"a\", "
		      "\"name\": \"bob\"}]" } },
		  "p/a.json: messages[0].name: unknown field" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.json", "{\"messages\": [{\"role\": \"user\", "
		      "\"content\": \"a\"}], \"params\": 1}" } },
		  "p/a.json: params: expected an object of settings" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.json", "{\"messages\": [{\"role\": \"user\", "
		      "\"content\": \"a\"}], \"params\": {\"tools\": []}}" } },
		  "p/a.json: params.tools: unknown setting (expected one of "
		  "frequency_penalty, max_tokens, presence_penalty, "
		  "response_format, seed, stop, temperature, top_k, top_p)" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.json", "{\"messages\": [{\"role\": \"user\", "
		      "\"content\": \"a\"}], \"params\": {\"temperature\": "
		      "-1}}" } },
		  "p/a.json: params.temperature: expected a number from 0 "
		  "to 2" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.json", "{\"messages\": [{\"role\": \"user\", "
		      "\"content\": \"a\"}],\n\"params\": {\"temperature\": "
		      "0, \"temperature\": 1}}" } },
		  "p/a.json:2: params.temperature: duplicate key" },
		{ { { "morph.json", "{\"prompts\": [\"p/*\"]}" },
		    { "p/a.json", "[{\"role\": \"user\", \"content\": \"a\"},"
		      "\n {\"role\": \"system\", \"content\": \"b\",\n  "
		      "\"content\": \"c\"}]" } },
		  "p/a.json:3: messages[1].content: duplicate key" },

		/* case files */
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl",
		      "{\"id\": \"a\"}\n{\"id\": \"b\",}\n" } },
		  "cases/a.jsonl:2:12: invalid JSON near '}'" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": \"a\",\n\"vars\": {}}\n" } },
		  "cases/a.jsonl:1: invalid JSON: unexpected end of line (a "
		  "case must fit on one line)" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\n  \"id\": \"a\"\n}\n" } },
		  "cases/a.jsonl:1: invalid JSON: unexpected end of line (a "
		  "case must fit on one line)" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": a}\r\n" } },
		  "cases/a.jsonl:1:8: invalid JSON near 'a}'" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": \"a\"} {\"id\": \"b\"}\n" } },
		  "cases/a.jsonl:1:13: invalid JSON: one case a line, and "
		  "nothing after it" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "\n\n{\"id\": \"\xe9t\xe9\"}\n" } },
		  "cases/a.jsonl:3: not valid UTF-8 text" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "[{\"id\": \"a\"}]\n" } },
		  "cases/a.jsonl:1: expected a JSON object, one case a line" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": \"a\"}\n{\"vars\": {}}\n" } },
		  "cases/a.jsonl:2: id: missing: every case needs an id" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": 1}\n" } },
		  "cases/a.jsonl:1: id: expected a non-empty string without "
		  "control characters" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": \"a\\nb\"}\n" } },
		  "cases/a.jsonl:1: id: expected a non-empty string without "
		  "control characters" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": \"a\"}\n{\"id\": \"b\"}\n" },
		    { "cases/b.jsonl", "{\"id\": \"c\"}\n{\"id\": \"b\"}\n"
		      "{\"id\": \"a\"}\n" } },
		  "cases/b.jsonl:2: id: duplicate case id 'b' (first at "
		  "cases/a.jsonl:2)" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": \"a\", \"vars\": [1]}\n" } },
		  "cases/a.jsonl:1: vars: expected an object" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": \"a\", \"assert\": "
		      "{\"type\": \"equals\"}}\n" } },
		  "cases/a.jsonl:1: assert: expected an array of assertions" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "\n{\"id\": \"a\", \"assert\": "
		      "[{\"type\": \"equals\", \"value\": \"x\"}, "
		      "{\"type\": 3}]}\n" } },
		  "cases/a.jsonl:2: assert[1]: expected an object with a "
		  "string \"type\"" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": \"a\", \"assert\": "
		      "[\"equals\"]}\n" } },
		  "cases/a.jsonl:1: assert[0]: expected an object with a "
		  "string \"type\"" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": \"a\", \"prompts\": "
		      "\"prompts/a.txt\"}\n" } },
		  "cases/a.jsonl:1: prompts: expected an array of prompt "
		  "paths" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": \"a\", \"prompts\": []}\n" } },
		  "cases/a.jsonl:1: prompts: empty: name at least one prompt, "
		  "or leave \"prompts\" out" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": \"a\", \"prompts\": "
		      "[\"prompts/a.txt\", \"prompts/b.txt\"]}\n" } },
		  "cases/a.jsonl:1: prompts[1]: no prompt 'prompts/b.txt' in "
		  "the suite" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": \"a\", \"var\": {}}\n" } },
		  "cases/a.jsonl:1: var: unknown field" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": \"a\", \"id\": \"b\"}\n" } },
		  "cases/a.jsonl:1: id: duplicate key" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": \"a\", \"vars\": {}}\n\n"
		      "{\"id\": \"b\", \"vars\": {\"q\": \"one\", "
		      "\"q\": \"two\"}}\n" } },
		  "cases/a.jsonl:3: vars.q: duplicate key" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": \"a\", \"vars\": {\"p\": "
		      "{\"name\": \"A\", \"n\": 1, \"name\": \"B\"}}}\n" } },
		  "cases/a.jsonl:1: vars.p.name: duplicate key" },
		{ { { "morph.json", BASIC_JSON }, { "prompts/a.txt", "x" },
		    { "cases/a.jsonl", "{\"id\": \"a\", \"assert\": "
		      "[{\"type\": \"contains\", \"value\": \"x\", "
		      "\"type\": \"not-contains\"}]}\n" } },
		  "cases/a.jsonl:1: assert[0].type: duplicate key" },

		/* variables */
		{ { { "morph.json", BASIC_JSON },
		    { "prompts/a.txt", "{{city}} in {{ country.name }}" },
		    { "cases/a.jsonl", "{\"id\": \"ok\", \"vars\": {\"city\": "
		      "\"Paris\", \"country\": {\"name\": \"France\"}}}\n"
		      "{\"id\": \"paris\", \"vars\": {\"city\": \"Paris\", "
		      "\"country\": \"France\"}}\n" } },
		  "cases/a.jsonl:2: vars: case 'paris' does not set "
		  "'country.name', which prompts/a.txt uses" },
		{ { { "morph.json", "{\"prompts\": [\"prompts/*\"], "
		    "\"cases\": [\"cases/*\"]}" },
		    { "prompts/a.txt", "{{x}}" },
		    { "prompts/b.json", "[{\"role\": \"user\", \"content\": "
		      "\"{{y}}\"}]" },
		    { "cases/a.jsonl", "{\"id\": \"only-a\", \"vars\": {\"x\": "
		      "1}, \"prompts\": [\"prompts/a.txt\"]}\n"
		      "{\"id\": \"both\", \"vars\": {\"x\": 1}}\n" } },
		  "cases/a.jsonl:2: vars: case 'both' does not set 'y', which "
		  "prompts/b.json uses" },
		{ { { "morph.json", BASIC_JSON },
		    { "prompts/a.txt", "{{a}} {{b}} {{a}} {{c}} {{b}}" },
		    { "cases/a.jsonl", "{\"id\": \"x\", \"vars\": {\"a\": 1, "
		      "\"c\": 2}}\n" } },
		  "cases/a.jsonl:1: vars: case 'x' does not set 'b', which "
		  "prompts/a.txt uses" },
		{ { { "morph.json", BASIC_JSON },
		    { "prompts/a.txt", "{{a}} {{b}} {{a}} {{c}} {{b}}" },
		    { "cases/a.jsonl", "{\"id\": \"x\", \"vars\": {\"a\": 1, "
		      "\"b\": 2}}\n" } },
		  "cases/a.jsonl:1: vars: case 'x' does not set 'c', which "
		  "prompts/a.txt uses" },
		{ { { "morph.json", "{\"prompts\": [\"p.txt\"]}" },
		    { "p.txt", "Hello {{name}}" } },
		  "p.txt: variable 'name' is not set: the suite has no cases, "
		  "so the prompt runs once with no vars, as case 'default'" },
	};
	const struct morph_error *err;
	struct morph_suite *s;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err = load(&s, cases[i].files);
		if (err == NULL) {
			T_FAIL("case %zu loaded; expected \"%s\"", i,
			    cases[i].msg);
			morph_suite_free(s);
			continue;
		}
		T_ASSERT(s == NULL);
		if (err->code != MORPH_ERR_SUITE)
			T_FAIL("case %zu: code %d (%s)", i, err->code,
			    err->msg);
		if (strcmp(err->msg, cases[i].msg) != 0)
			T_FAIL("case %zu:\n  got    \"%s\"\n  wanted \"%s\"",
			    i, err->msg, cases[i].msg);
	}
}

static void
test_templates(void)
{
	static const struct {
		const char	*tmpl;
		const char	*vars;
		const char	*want;	/* output, or "!" and the error */
	} cases[] = {
		{ "Hello {{name}}!", "{\"name\": \"Ada\"}", "Hello Ada!" },
		{ "{{ name }}|{{\tname  }}", "{\"name\": \"Ada\"}", "Ada|Ada" },
		{ "{{a.b.c}}", "{\"a\": {\"b\": {\"c\": \"deep\"}}}", "deep" },
		{ "{{ a.b }}", "{\"a\": {\"b\": 1.5}}", "1.5" },
		{ "{{n}} {{m}}", "{\"n\": 42, \"m\": -1e3}", "42 -1000" },
		{ "{{t}} {{f}} {{z}}",
		  "{\"t\": true, \"f\": false, \"z\": null}",
		  "true false null" },
		{ "{{list}}", "{\"list\": [1, \"two\", {\"x\": 3}]}",
		  "[1,\"two\",{\"x\":3}]" },
		{ "{{obj}}", "{\"obj\": {\"b\": 1, \"a\": \"\\\"q\\\"\"}}",
		  "{\"b\":1,\"a\":\"\\\"q\\\"\"}" },
		{ "{{s}}", "{\"s\": \"line\\none \\\"quoted\\\" {{x}}\"}",
		  "line\none \"quoted\" {{x}}" },
		{ "[{{e}}]", "{\"e\": \"\"}", "[]" },
		{ "{{x}}{{x}}", "{\"x\": \"v\"}", "vv" },
		{ "{{a-b}} {{_c1}}", "{\"a-b\": \"h\", \"_c1\": \"u\"}",
		  "h u" },
		/* Not references: text as written. */
		{ "{{}} {{ }} {{ 1+1 }} {{#each x}} {{a b}}", "{}",
		  "{{}} {{ }} {{ 1+1 }} {{#each x}} {{a b}}" },
		{ "{{a..b}} {{a.}} {{.a}} {{1x}} {{-a}}", "{}",
		  "{{a..b}} {{a.}} {{.a}} {{1x}} {{-a}}" },
		{ "{ {a} } {{ x } {{x", "{}", "{ {a} } {{ x } {{x" },
		{ "{{\nx}} {{x\n}}", "{}", "{{\nx}} {{x\n}}" },
		{ "}}{{x}}{{", "{\"x\": \"v\"}", "}}v{{" },
		{ "{\"json\": {{x}}}", "{\"x\": 1}", "{\"json\": 1}" },
		{ "{{{x}}}", "{\"x\": \"v\"}", "{v}" },
		/* Escapes. */
		{ "\\{{x}} and {{x}}", "{\"x\": \"v\"}", "{{x}} and v" },
		{ "\\{{ missing }}", "{}", "{{ missing }}" },
		{ "C:\\\\{{dir}}\\file", "{\"dir\": \"tmp\"}",
		  "C:\\tmp\\file" },
		{ "\\\\\\{{x}}", "{\"x\": \"v\"}", "\\\\v" },
		{ "a\\b \\{x}", "{}", "a\\b \\{x}" },
		/* UTF-8 around references and in values. */
		{ "Caf\xc3\xa9 {{ville}} \xe2\x98\x95", "{\"ville\": "
		  "\"Z\xc3\xbcrich\"}",
		  "Caf\xc3\xa9 Z\xc3\xbcrich \xe2\x98\x95" },
		{ "{{ citt\xc3\xa0 }}", "{}", "{{ citt\xc3\xa0 }}" },
		{ "{{q}}", "{\"q\": \"\\u00e9\\ud83d\\ude00\"}",
		  "\xc3\xa9\xf0\x9f\x98\x80" },
		/* Missing variables. */
		{ "Hi {{name}}", "{}", "!t: missing variable 'name'" },
		{ "{{a.c}}", "{\"a\": {\"b\": 1}}",
		  "!t: missing variable 'a.c'" },
		{ "{{a.b}}", "{\"a\": \"str\"}", "!t: missing variable 'a.b'" },
		{ "{{A}}", "{\"a\": 1}", "!t: missing variable 'A'" },
	};
	struct morph_buf out = MORPH_BUF_INIT;
	const struct morph_error *err;
	cJSON *vars;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vars = cJSON_Parse(cases[i].vars);
		T_ASSERT(vars != NULL);
		morph_buf_clear(&out);
		err = morph_template_render(&out, cases[i].tmpl, vars, "t");
		if (cases[i].want[0] == '!') {
			if (err == NULL)
				T_FAIL("case %zu rendered \"%s\"", i,
				    morph_buf_cstr(&out));
			else {
				T_INTEQ(err->code, MORPH_ERR_SUITE);
				T_STREQ(err->msg, cases[i].want + 1);
			}
		} else if (err != NULL)
			T_FAIL("case %zu: %s", i, err->msg);
		else if (strcmp(morph_buf_cstr(&out), cases[i].want) != 0)
			T_FAIL("case %zu: \"%s\" rendered \"%s\", expected "
			    "\"%s\"", i, cases[i].tmpl, morph_buf_cstr(&out),
			    cases[i].want);
		cJSON_Delete(vars);
	}
	morph_buf_release(&out);
}

static const struct morph_error *
collect(const char *name, size_t len, void *arg)
{
	struct morph_buf *b = arg;

	morph_buf_printf(b, "%.*s;", (int)len, name);
	return NULL;
}

static void
test_template_vars(void)
{
	struct morph_buf b = MORPH_BUF_INIT;

	T_OK(morph_template_vars("{{a}} \\{{b}} \\\\{{c}} {{ d.e }} {{a}} "
	    "{{ f g }}", collect, &b));
	T_STREQ(morph_buf_cstr(&b), "a;c;d.e;a;");
	morph_buf_release(&b);
}

static void
test_parse_file(void)
{
	static const struct {
		const char	*kind;
		const char	*name;
		const char	*data;
		const char	*msg;	/* NULL: parses */
	} cases[] = {
		{ "morph.json", "morph.json", "{\"prompts\": [\"*.txt\"], "
		  "\"models\": [\"echo:a\"]}", NULL },
		{ "morph.json", "morph.json", "{\"prompts\": 1}",
		  "morph.json: prompts: expected an array of glob patterns" },
		{ "prompt", "a.txt", "Hi {{x}}", NULL },
		{ "prompt", "a.md", "", "a.md: empty prompt" },
		{ "prompt", "a.json", "[{\"role\": \"user\", \"content\": "
		  "\"x\"}]", NULL },
		{ "prompt", "a.json", "[{\"role\": \"bot\", \"content\": "
		  "\"x\"}]", "a.json: messages[0].role: expected \"system\", "
		  "\"user\" or \"assistant\"" },
		{ "cases", "c.jsonl", "{\"id\": \"a\", \"prompts\": "
		  "[\"anything\"]}\n{\"id\": \"b\"}", NULL },
		{ "cases", "c.jsonl", "{\"id\": \"a\"}\n{\"id\": \"a\"}",
		  "c.jsonl:2: id: duplicate case id 'a' (first at "
		  "c.jsonl:1)" },
		{ "cases", "c.jsonl", "", NULL },
	};
	const struct morph_error *err;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err = morph_suite_parse_file(cases[i].kind, cases[i].name,
		    cases[i].data, strlen(cases[i].data));
		if (cases[i].msg == NULL) {
			if (err != NULL)
				T_FAIL("case %zu: %s", i, err->msg);
		} else if (err == NULL)
			T_FAIL("case %zu parsed", i);
		else
			T_STREQ(err->msg, cases[i].msg);
	}
	T_ERR(morph_suite_parse_file("yaml", "x", "", 0), MORPH_ERR_INVALID);
}

/* The starter suite of morph init --example, committed and loaded. */
static void
test_example(void)
{
	struct morph_repo *r = test_repo();
	const struct morph_example_file *f;
	struct morph_commit *commit;
	struct morph_suite *s;
	struct morph_oid id;
	cJSON *msgs;
	size_t i, j, calls = 0;
	char *text;

	T_OK(morph_suite_example_write(test_repo_dir()));
	T_ERR(morph_suite_example_write(test_repo_dir()), MORPH_ERR_EXISTS);
	for (f = morph_suite_example(); f->path != NULL; f++)
		T_OK(morph_suite_parse_file(strcmp(f->path, "morph.json") ==
		    0 ? "morph.json" : strncmp(f->path, "cases/", 6) == 0 ?
		    "cases" : "prompt", f->path, f->text, strlen(f->text)));
	test_commit_all(r, "example", &id);
	T_OK(morph_commit_read(&commit, r, &id));
	if (commit == NULL)
		return;
	T_OK(morph_suite_load(&s, r, morph_commit_tree(commit)));
	morph_commit_free(commit);
	if (s == NULL)
		return;
	T_INTEQ(s->nprompts, 2);
	T_INTEQ(s->nmodels, 1);
	T_STREQ(s->models[0].provider, "echo");
	T_ASSERT(s->ncases >= 3);
	for (i = 0; i < s->ncases; i++) {
		T_ASSERT(cJSON_GetArraySize(s->cases[i].asserts) >= 2);
		for (j = 0; j < s->nprompts; j++) {
			if (!morph_suite_case_applies(&s->cases[i],
			    &s->prompts[j]))
				continue;
			T_OK(morph_suite_render(&msgs, &s->prompts[j],
			    &s->cases[i]));
			calls++;
			cJSON_Delete(msgs);
		}
	}
	T_INTEQ(calls, s->ncases);
	T_OK(morph_suite_render(&msgs, &s->prompts[0], &s->cases[0]));
	text = cJSON_PrintUnformatted(msgs);
	T_CONTAINS(text, "Acme Notes in at most 3 sentences");
	free(text);
	cJSON_Delete(msgs);
	morph_suite_free(s);
	morph_repo_close(r);
}

/*
 * 100,000 cases in one file load with the right ids and line numbers.
 * How fast is for bench/run.sh (BIG=100000), not a unit test.
 */
static void
test_big_case_file(void)
{
	struct morph_buf cases = MORPH_BUF_INIT;
	struct file files[] = {
		{ "morph.json", "{\"prompts\": [\"p/*\"], \"cases\": "
		  "[\"c.jsonl\"], \"models\": [\"echo:a\", \"echo:b\"], "
		  "\"defaults\": {\"assert\": [{\"type\": \"is-json\"}]}}" },
		{ "p/a.txt", "Question: {{q}} about {{topic.name}}" },
		{ "p/b.json", "[{\"role\": \"system\", \"content\": "
		  "\"{{topic.name}}\"}, {\"role\": \"user\", \"content\": "
		  "\"{{q}}\"}]" },
		{ "c.jsonl", NULL },
		{ NULL, NULL },
	};
	struct morph_suite *s;
	int i;

	for (i = 0; i < 100000; i++)
		morph_buf_printf(&cases, "{\"id\": \"case-%d\", \"vars\": "
		    "{\"q\": \"What is %d squared?\", \"topic\": {\"name\": "
		    "\"arithmetic\"}}, \"assert\": [{\"type\": \"contains\", "
		    "\"value\": \"%lld\"}]}\n", i, i, (long long)i * i);
	T_OK(morph_buf_status(&cases));
	files[3].text = morph_buf_cstr(&cases);
	T_OK(load(&s, files));
	if (s != NULL) {
		T_INTEQ(s->ncases, 100000);
		T_STREQ(s->cases[99999].id, "case-99999");
		T_INTEQ(s->cases[99999].line, 100000);
		morph_suite_free(s);
	}
	T_OK(morph_suite_parse_file("cases", "c.jsonl", cases.ptr,
	    cases.len));
	morph_buf_release(&cases);
}

/* A prompt with 200,000 references to 100,000 variables parses. */
static void
test_many_variables(void)
{
	struct morph_buf text = MORPH_BUF_INIT;
	int i;

	for (i = 0; i < 200000; i++)
		morph_buf_printf(&text, "{{v%d}} ", i % 100000);
	T_OK(morph_suite_parse_file("prompt", "p.txt", text.ptr, text.len));
	morph_buf_release(&text);
}

/*
 * select.baseline: one model for every prompt, or an object of prompt
 * globs to models tried in the order written, the first match winning;
 * then every error, with its exact message.
 */
static void
test_select_baseline(void)
{
	static const struct {
		const char	*baseline;	/* JSON; NULL: no "select" */
		size_t		 nkeys;
		const char	*want[3];	/* p/a.txt, p/b.txt, q.txt;
						   NULL: the first model */
	} good[] = {
		{ NULL, 0, { NULL, NULL, NULL } },
		{ "\"small\"", 0, { "small", "small", "small" } },
		{ "{\"p/a.txt\": \"small\", \"**\": \"big\"}", 2,
		  { "small", "big", "big" } },
		/* Order: p/a.txt is big, though the second key matches it. */
		{ "{\"p/a.txt\": \"big\", \"p/*\": \"small\"}", 2,
		  { "big", "small", NULL } },
		/* "*" does not cross a '/': q.txt alone. */
		{ "{\"*\": \"small\"}", 1, { NULL, NULL, "small" } },
	};
	static const struct {
		const char	*baseline;
		const char	*msg;
	} bad[] = {
		{ "3", "morph.json: select.baseline: expected the id of a "
		  "model of \"models\", or an object of prompt globs to model "
		  "ids" },
		{ "\"\"", "morph.json: select.baseline: expected the id of a "
		  "model of \"models\", or an object of prompt globs to model "
		  "ids" },
		{ "\"gpt\"", "morph.json: select.baseline: 'gpt' is not the id "
		  "of a model of \"models\"" },
		{ "{}", "morph.json: select.baseline: empty: expected at least "
		  "one prompt glob, as in {\"prompts/a.txt\": \"small\", "
		  "\"**\": \"big\"}" },
		{ "{\"p/a.txt\": 1}", "morph.json: select.baseline.p/a.txt: "
		  "expected the id of a model of \"models\"" },
		{ "{\"**\": \"big\", \"p/a.txt\": \"gpt\"}",
		  "morph.json: select.baseline.p/a.txt: 'gpt' is not the id "
		  "of a model of \"models\"" },
		{ "{\"\": \"big\"}", "morph.json: select.baseline: expected "
		  "keys that are glob patterns of prompt paths (non-empty, "
		  "without control characters)" },
		{ "{\"p/\\n\": \"big\"}", "morph.json: select.baseline: "
		  "expected keys that are glob patterns of prompt paths "
		  "(non-empty, without control characters)" },
		{ "{\"x/*.txt\": \"big\"}", "morph.json: "
		  "select.baseline.x/*.txt: 'x/*.txt' matches no prompt" },
		{ "{\"p/*\": \"small\", \"p/a.txt\": \"big\"}", "morph.json: "
		  "select.baseline.p/a.txt: every prompt 'p/a.txt' matches is "
		  "taken by the earlier key 'p/*' (the first key that matches "
		  "a prompt names its model)" },
		{ "{\"p/a.txt\": \"big\", \"p/a.txt\": \"small\"}",
		  "morph.json:1: select.baseline.p/a.txt: duplicate key" },
	};
	static const char *const paths[] = { "p/a.txt", "p/b.txt", "q.txt" };
	struct file files[] = {
		{ "morph.json", NULL },
		{ "p/a.txt", "a" },
		{ "p/b.txt", "b" },
		{ "q.txt", "q" },
		{ NULL, NULL },
	};
	const struct morph_error *err;
	struct morph_suite *s;
	const char *got;
	char json[512];
	size_t i, j;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(json, sizeof(json), "{\"prompts\": [\"p/*.txt\", "
		    "\"q.txt\"], \"models\": [{\"id\": \"big\", \"model\": "
		    "\"echo:big\"}, {\"id\": \"small\", \"model\": "
		    "\"echo:small\"}]%s%s%s}", good[i].baseline != NULL ?
		    ", \"select\": {\"floor\": 0.5, \"baseline\": " : "",
		    good[i].baseline != NULL ? good[i].baseline : "",
		    good[i].baseline != NULL ? "}" : "");
		files[0].text = json;
		T_OK(load(&s, files));
		if (s == NULL)
			continue;
		T_INTEQ(s->rule.nbaselines, good[i].nkeys);
		for (j = 0; j < 3; j++) {
			got = morph_select_rule_baseline(&s->rule, paths[j]);
			if ((got == NULL) != (good[i].want[j] == NULL) ||
			    (got != NULL && strcmp(got, good[i].want[j]) != 0))
				T_FAIL("%s: %s has baseline %s, expected %s",
				    good[i].baseline, paths[j],
				    got ? got : "(first)", good[i].want[j] ?
				    good[i].want[j] : "(first)");
		}
		/* No prompt, as for the whole suite: the one baseline. */
		T_ASSERT(morph_select_rule_baseline(&s->rule, NULL) ==
		    s->rule.baseline);
		morph_suite_free(s);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(json, sizeof(json), "{\"prompts\": [\"p/*.txt\", "
		    "\"q.txt\"], \"models\": [{\"id\": \"big\", \"model\": "
		    "\"echo:big\"}, {\"id\": \"small\", \"model\": "
		    "\"echo:small\"}], \"select\": {\"baseline\": %s}}",
		    bad[i].baseline);
		files[0].text = json;
		err = load(&s, files);
		if (err == NULL) {
			T_FAIL("%s loaded; expected \"%s\"", bad[i].baseline,
			    bad[i].msg);
			morph_suite_free(s);
			continue;
		}
		if (err->code != MORPH_ERR_SUITE ||
		    strcmp(err->msg, bad[i].msg) != 0)
			T_FAIL("%s:\n  got    \"%s\"\n  wanted \"%s\"",
			    bad[i].baseline, err->msg, bad[i].msg);
	}
}

static int
keep_named(const char *id, void *arg)
{
	const char *const *v;

	for (v = arg; *v != NULL; v++)
		if (strcmp(*v, id) == 0)
			return 1;
	return 0;
}

/* Only the cases asked for are kept; the others are still parsed. */
static void
test_load_some(void)
{
	static const struct file files[] = {
		{ "morph.json", BASIC_JSON },
		{ "prompts/p.txt", "Say {{w}}" },
		{ "cases/c.jsonl", "{\"id\": \"a\", \"vars\": {\"w\": 1}}\n"
		  "{\"id\": \"b\", \"vars\": {\"w\": 2}}\n"
		  "{\"id\": \"c\", \"vars\": {\"w\": 3}}\n" },
		{ NULL, NULL },
	};
	static const struct file broken[] = {
		{ "morph.json", BASIC_JSON },
		{ "prompts/p.txt", "Say {{w}}" },
		{ "cases/c.jsonl", "{\"id\": \"a\", \"vars\": {\"w\": 1}}\n"
		  "{\"id\": \"b\", \"vars\": 7}\n" },
		{ NULL, NULL },
	};
	static const char *const only_b[] = { "b", NULL };
	static const char *const none[] = { NULL };
	struct morph_suite *s;

	T_OK(load_keep(&s, files, keep_named, (void *)only_b));
	if (s != NULL) {
		T_INTEQ(s->ncases, 1);
		T_STREQ(s->cases[0].id, "b");
		T_INTEQ(s->cases[0].line, 2);
		T_INTEQ(s->nprompts, 1);
		T_INTEQ(s->nmodels, 1);
		morph_suite_free(s);
	}
	/* Keeping none is no suite without cases: no "default" either. */
	T_OK(load_keep(&s, files, keep_named, (void *)none));
	if (s != NULL) {
		T_INTEQ(s->ncases, 0);
		morph_suite_free(s);
	}
	T_ERR(load_keep(&s, broken, keep_named, (void *)none),
	    MORPH_ERR_SUITE);
}

static void
test_close(void)
{
	morph_repo_close(repo);
	repo = NULL;
}

static const struct test tests[] = {
	TEST(test_valid_suite),
	TEST(test_default_case),
	TEST(test_globs),
	TEST(test_errors),
	TEST(test_templates),
	TEST(test_template_vars),
	TEST(test_parse_file),
	TEST(test_big_case_file),
	TEST(test_many_variables),
	TEST(test_select_baseline),
	TEST(test_load_some),
	TEST(test_close),
	TEST(test_example),
};

TEST_MAIN(tests)
