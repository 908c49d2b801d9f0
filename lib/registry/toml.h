/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A strict parser of the TOML that configuration files use: tables,
 * arrays of tables, dotted and quoted keys, basic and literal strings
 * (single and multi-line), integers, floats, booleans, arrays (nested,
 * multi-line, trailing comma), inline tables; dates are kept as strings.
 * Untrusted input (fuzzed): any error is -EINVAL with "LINE:COL: what". */
#pragma once

#include <json-c/json.h>

/* Parse @text (of @size bytes, NUL bytes refused) into a json-c object tree
 * (tables are objects, arrays arrays, integers int64, floats double).
 * Duplicate keys and redefined tables are errors, as TOML says. */
int ctr__toml_parse(const char *text, size_t size, json_object **ret, char **ret_error);
