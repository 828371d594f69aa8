/* test_cli_config.c - where yuebao's defaults come from (cli/cli_config.c): the host's
 * file, then the user's, then the environment, then the command line, each later one
 * winning; a bad file named with its line; the user's file found through
 * XDG_CONFIG_HOME or HOME.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../cli/cli.h" /* -Iutil -Icommon only */

static char tmpdir[64], host[128], user[128], err[2048];
static cli_config_t c;

static void setup(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/yb_cli_config_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    snprintf(host, sizeof host, "%s/host.ini", tmpdir);
    snprintf(user, sizeof user, "%s/user.ini", tmpdir);
    for (const config_key_t *k = cli_config_keys; k->key; k++)
        unsetenv(cli_config_env(k->key));
    err[0] = '\0';
}

static void teardown(void) {
    unlink(host);
    unlink(user);
    rmdir(tmpdir);
}

TestSuite(cli_config, .init = setup, .fini = teardown);

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

/* cli_config_load over the host's and the user's file, which must succeed. */
static void load_ok(void) {
    const char *files[] = {host, user};
    cr_assert_eq(cli_config_load(&c, files, 2, err, sizeof err), 0, "%s", err);
}

Test(cli_config, without_files_or_environment_the_defaults_are_the_old_ones) {
    cli_opts_t o = {0};
    load_ok(); /* neither file is there: skipped without a word */
    cli_config_fill(&c, &o);
    cr_assert_str_eq(o.store, "reports.db");
    cr_assert_str_eq(o.scores, "scores.db");
    cr_assert_null(o.master_dir);
    cr_assert_null(o.key);
    cr_assert_null(o.server_key);
    cr_assert_null(o.agg_key_file);
    cr_assert_str_eq(o.pub, "tcp://127.0.0.1:7303");
    cr_assert_str_eq(o.snapshot, "tcp://127.0.0.1:7304");
    cr_assert_str_eq(o.agg_pub, "tcp://127.0.0.1:7302");
    cr_assert_str_eq(o.agg_snapshot, "tcp://127.0.0.1:7305");
}

Test(cli_config, the_host_file_then_the_users_then_the_environment_then_the_command_line) {
    cli_opts_t o = {0};
    write_file(host, "[yuebao]\n"
                     "store = /var/lib/yuebao/reports.db\n"
                     "scores = /var/lib/yuebao/scores.db\n"
                     "master = /etc/yuebao\n"
                     "aggregator_pub = tcp://10.0.0.1:7302\n");
    write_file(user, "; mine\n"
                     "[yuebao]\n"
                     "store = /home/me/reports.db\n"
                     "key = /home/me/keys/me.key\n");
    cr_assert_eq(setenv("YUEBAO_SCORES", "/tmp/scores-of-a-script.db", 1), 0);
    load_ok();
    o.master_dir = "/from/the/command/line";
    cli_config_fill(&c, &o);
    cr_assert_str_eq(o.store, "/home/me/reports.db", "the user's file over the host's");
    cr_assert_str_eq(o.scores, "/tmp/scores-of-a-script.db", "the environment over both files");
    cr_assert_str_eq(o.master_dir, "/from/the/command/line", "the command line over everything");
    cr_assert_str_eq(o.key, "/home/me/keys/me.key");
    cr_assert_str_eq(o.agg_pub, "tcp://10.0.0.1:7302", "the host's, where nothing later says otherwise");
    cr_assert_str_eq(o.pub, "tcp://127.0.0.1:7303", "a key no file sets keeps its default");
}

Test(cli_config, an_empty_value_is_the_default_again) {
    cli_opts_t o = {0};
    write_file(host, "[yuebao]\nstore = /var/lib/yuebao/reports.db\nkey = /etc/yuebao/keys/op.key\n");
    write_file(user, "[yuebao]\nstore =\nkey =\n");
    cr_assert_eq(setenv("YUEBAO_SCORES", "", 1), 0); /* as VAR= in a shell: not set */
    load_ok();
    cli_config_fill(&c, &o);
    cr_assert_str_eq(o.store, "reports.db");
    cr_assert_null(o.key, "none: plain ZeroMQ");
    cr_assert_str_eq(o.scores, "scores.db");
}

Test(cli_config, a_bad_line_is_named_with_its_file_and_line) {
    const char *files[] = {host, user};
    char want[256];
    write_file(host, "[yuebao]\nstore = /var/lib/yuebao/reports.db\n");
    write_file(user, "[yuebao]\nmaster = /etc/yuebao\nstroe = /tmp/x.db\n");
    cr_assert_eq(cli_config_load(&c, files, 2, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:3: unknown key \"stroe\" in section [yuebao]", user);
    cr_assert_str_eq(err, want);
    /* a daemon's section is not ours */
    write_file(user, "[aggregator]\nstore = /tmp/x.db\n");
    cr_assert_eq(cli_config_load(&c, files, 2, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:2: unknown key \"store\" in section [aggregator]", user);
    cr_assert_str_eq(err, want);
    /* a line that is no key = value */
    write_file(user, "[yuebao]\nstore /tmp/x.db\n");
    cr_assert_eq(cli_config_load(&c, files, 2, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:2: not a key = value line or [section]", user);
    cr_assert_str_eq(err, want);
}

Test(cli_config, a_file_that_is_a_folder_is_an_error_not_skipped) {
    const char *files[] = {tmpdir};
    cr_assert_eq(cli_config_load(&c, files, 1, err, sizeof err), -1);
    cr_assert_not_null(strstr(err, tmpdir), "%s", err);
}

Test(cli_config, a_value_too_long_from_the_environment_names_the_variable) {
    const char *files[] = {host};
    char *v = malloc(CLI_PATH_SIZE + 10);
    cr_assert_not_null(v);
    memset(v, 'a', CLI_PATH_SIZE + 9);
    v[CLI_PATH_SIZE + 9] = '\0';
    cr_assert_eq(setenv("YUEBAO_MASTER", v, 1), 0);
    free(v);
    cr_assert_eq(cli_config_load(&c, files, 1, err, sizeof err), -1);
    cr_assert_eq(strncmp(err, "YUEBAO_MASTER: master: longer than 1023 bytes", 45), 0, "%s", err);
}

Test(cli_config, the_users_file_is_under_xdg_config_home_else_home) {
    char paths[CLI_CONFIG_FILES][CLI_PATH_SIZE];
    cr_assert_eq(setenv("HOME", "/home/me", 1), 0);
    cr_assert_eq(setenv("XDG_CONFIG_HOME", "/home/me/.cfg", 1), 0);
    cr_assert_eq(cli_config_files(paths), 2);
    cr_assert_str_eq(paths[0], "/etc/yuebao/yuebao.ini");
    cr_assert_str_eq(paths[1], "/home/me/.cfg/yuebao/yuebao.ini");
    cr_assert_eq(setenv("XDG_CONFIG_HOME", "relative/cfg", 1), 0); /* invalid: ignored */
    cr_assert_eq(cli_config_files(paths), 2);
    cr_assert_str_eq(paths[1], "/home/me/.config/yuebao/yuebao.ini");
    unsetenv("XDG_CONFIG_HOME");
    cr_assert_eq(cli_config_files(paths), 2);
    cr_assert_str_eq(paths[1], "/home/me/.config/yuebao/yuebao.ini");
    unsetenv("HOME");
    cr_assert_eq(cli_config_files(paths), 1, "no HOME: the host's file only");
}

/* Every key has its environment variable, and every variable its key. */
Test(cli_config, every_key_has_its_variable) {
    size_t n = 0;
    for (const config_key_t *k = cli_config_keys; k->key; k++, n++) {
        const char *env = cli_config_env(k->key);
        cr_assert_not_null(env, "%s has no environment variable", k->key);
        cr_assert_eq(strncmp(env, "YUEBAO_", 7), 0, "%s", env);
    }
    cr_assert_eq(n, 14, "store scores master key server_key, six endpoints and keys of the daemons, the aggregator's control, notify's control and key, the web's users");
    cr_assert_null(cli_config_env("nothing"));
}
