/* i18n.h - messages in the reader's language: gettext's _() and N_(), and the set-up.
 *
 * Every message a person reads goes through _() (or ngettext for a count); a message
 * kept in a table, or chosen before it is printed, is marked N_() where it is written
 * and translated with _() where it is shown. The English text in the source is the
 * message id and what a C or C.UTF-8 locale prints, unchanged; po/zh_CN.po holds the
 * Chinese. The language follows the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), so
 * a deployment with LANG=zh_CN.UTF-8 speaks Chinese and a developer's shell English.
 *
 * Not translated, on purpose: wire field names, SQL, configuration keys, CSV headers
 * (they are data), the level word of a log line (`prog: warning: …`, which scripts and
 * journal filters match) and debug lines.
 *
 * A message is written in the locale of the process that makes it: the aggregator's
 * validation findings travel in acks already in words, and the collector writes them
 * into receipts as they came. Every daemon of a deployment runs with the same LANG.
 */
#ifndef YB_I18N_H
#define YB_I18N_H

#include <libintl.h>

#define I18N_DOMAIN "yuebao"

/* A message in the reader's language (gettext), and a marker for xgettext alone on a
 * string kept for translating later, in a table. */
#define _(msgid) gettext(msgid)
#define N_(msgid) (msgid)

/* A message with a context, for an English word that says two things in another
 * language ("total": a sum of amounts, or a total score): C_("score", "total"). The
 * English is msgid either way. */
#define C_(ctx, msgid) i18n_pgettext(ctx "\004" msgid, msgid)
const char *i18n_pgettext(const char *ctx_msgid, const char *msgid) __attribute__((format_arg(2)));

/* Sets the locale from the environment (LC_NUMERIC stays "C": numbers in files, on the
 * wire and in the stores keep their '.') and binds the catalogue, read as UTF-8
 * whatever the locale's charset. The catalogue folder is $YUEBAO_LOCALEDIR if set,
 * else the build tree's beside the program (<bin>/../locale, when it holds one), else
 * the compiled-in LOCALEDIR (/usr/share/locale). Call first in main. Never fails: a
 * missing catalogue or locale leaves the messages in English. */
void i18n_init(void);

/* The folder i18n_init bound ("" before it is called): for --version and tests. */
const char *i18n_localedir(void);

#endif
