/* test-kubeconfig.c: kubeconfig files read and merged as kubectl does
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "flint-kube-client.h"
#include "flint-kubeconfig.h"
#include "flint-target.h"

static const char ca_pem[] =
  "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("flint-kubeconfig-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  remove_tree (f->dir);
  g_free (f->dir);
}

static char *
write_file (Fixture    *f,
            const char *name,
            const char *text)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_mkdir_with_parents (parent, 0700);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_single_file (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *b64 = g_base64_encode ((const guchar *) ca_pem, sizeof ca_pem - 1);
  g_autofree char *text = g_strdup_printf (
    "apiVersion: v1\n"
    "kind: Config\n"
    "current-context: dev\n"
    "clusters:\n"
    "- name: dev-cluster\n"
    "  cluster:\n"
    "    server: https://203.0.113.10:6443/\n"
    "    certificate-authority-data: %s\n"
    "    tls-server-name: kubernetes\n"
    "contexts:\n"
    "- name: dev\n"
    "  context: {cluster: dev-cluster, user: dev-user, namespace: spark-jobs}\n"
    "- name: other\n"
    "  context: {cluster: dev-cluster, user: dev-user}\n"
    "users:\n"
    "- name: dev-user\n"
    "  user:\n"
    "    token: 0123456789012345678901234567890\n", b64);
  g_autofree char *path = write_file (f, "config", text);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintKubeconfig) config = flint_kubeconfig_load (path, &error);
  g_autoptr(FlintKubeContext) ctx = NULL;
  g_autoptr(FlintKubeContext) other = NULL;
  g_auto(GStrv) names = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (flint_kubeconfig_get_current_context (config), ==, "dev");
  names = flint_kubeconfig_dup_contexts (config);
  g_assert_cmpstrv (names, ((const char *[]) { "dev", "other", NULL }));

  ctx = flint_kubeconfig_resolve (config, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ctx->name, ==, "dev");
  g_assert_cmpstr (ctx->server, ==, "https://203.0.113.10:6443");
  g_assert_cmpstr (ctx->namespace, ==, "spark-jobs");
  g_assert_cmpstr (ctx->tls_server_name, ==, "kubernetes");
  /* A token of digits stays the token, not a number. */
  g_assert_cmpstr (ctx->token, ==, "0123456789012345678901234567890");
  g_assert_nonnull (ctx->ca_pem);
  g_assert_cmpmem (g_bytes_get_data (ctx->ca_pem, NULL), g_bytes_get_size (ctx->ca_pem), ca_pem, sizeof ca_pem - 1);
  g_assert_false (ctx->insecure_skip_tls_verify);

  other = flint_kubeconfig_resolve (config, "other", &error);
  g_assert_no_error (error);
  g_assert_null (other->namespace);
}

/* KUBECONFIG=a:missing:b: first wins for every name and for current-context; paths are
 * relative to the file that holds them. */
static void
test_merge (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *a = write_file (f, "a/config",
    "current-context: prod\n"
    "clusters:\n"
    "- name: prod\n"
    "  cluster: {server: 'https://prod.example:6443', certificate-authority: certs/ca.pem}\n"
    "users:\n"
    "- name: admin\n"
    "  user: {client-certificate: certs/admin.pem, client-key: certs/admin-key.pem}\n");
  g_autofree char *b = write_file (f, "b/config",
    "current-context: dev\n"
    "clusters:\n"
    "- name: prod\n"
    "  cluster: {server: 'https://wrong.example:6443'}\n"
    "- name: dev\n"
    "  cluster: {server: 'https://dev.example:6443', insecure-skip-tls-verify: true}\n"
    "contexts:\n"
    "- name: prod\n"
    "  context: {cluster: prod, user: admin, namespace: etl}\n"
    "- name: dev\n"
    "  context: {cluster: dev, user: reader}\n"
    "users:\n"
    "- name: admin\n"
    "  user: {token: wrong}\n"
    "- name: reader\n"
    "  user: {tokenFile: token.txt}\n");
  g_autofree char *ca = write_file (f, "a/certs/ca.pem", ca_pem);
  g_autofree char *cert = write_file (f, "a/certs/admin.pem", "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n");
  g_autofree char *key = write_file (f, "a/certs/admin-key.pem", "-----BEGIN PRIVATE KEY-----\nK\n-----END PRIVATE KEY-----\n");
  g_autofree char *missing = g_build_filename (f->dir, "nowhere", "config", NULL);
  g_autofree char *paths = g_strjoin (G_SEARCHPATH_SEPARATOR_S, a, missing, b, NULL);
  g_autofree char *token_file = g_build_filename (f->dir, "b", "token.txt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintKubeconfig) config = NULL;
  g_autoptr(FlintKubeContext) prod = NULL;
  g_autoptr(FlintKubeContext) dev = NULL;

  g_setenv ("KUBECONFIG", paths, TRUE);
  config = flint_kubeconfig_load (NULL, &error);
  g_unsetenv ("KUBECONFIG");
  g_assert_no_error (error);
  g_assert_cmpstr (flint_kubeconfig_get_current_context (config), ==, "prod");

  prod = flint_kubeconfig_resolve (config, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (prod->server, ==, "https://prod.example:6443");
  g_assert_cmpstr (prod->namespace, ==, "etl");
  g_assert_null (prod->token);
  g_assert_nonnull (prod->client_cert_pem);
  g_assert_nonnull (prod->client_key_pem);
  g_assert_cmpuint (g_bytes_get_size (prod->ca_pem), ==, sizeof ca_pem - 1);

  dev = flint_kubeconfig_resolve (config, "dev", &error);
  g_assert_no_error (error);
  g_assert_true (dev->insecure_skip_tls_verify);
  g_assert_cmpstr (dev->token_file, ==, token_file);
}

static void
test_exec (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *path = write_file (f, "config",
    "current-context: eks\n"
    "clusters: [{name: eks, cluster: {server: 'https://eks.example'}}]\n"
    "contexts: [{name: eks, context: {cluster: eks, user: aws}}]\n"
    "users:\n"
    "- name: aws\n"
    "  user:\n"
    "    exec:\n"
    "      apiVersion: client.authentication.k8s.io/v1\n"
    "      command: ./bin/get-token\n"
    "      args: [eks, get-token, --cluster-name, prod]\n"
    "      env: [{name: AWS_PROFILE, value: ops}]\n"
    "      interactiveMode: Never\n"
    "      provideClusterInfo: true\n");
  g_autofree char *command = g_build_filename (f->dir, "bin", "get-token", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintKubeconfig) config = flint_kubeconfig_load (path, &error);
  g_autoptr(FlintKubeContext) ctx = NULL;

  g_assert_no_error (error);
  ctx = flint_kubeconfig_resolve (config, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ctx->exec);
  g_assert_cmpstr (ctx->exec->command, ==, command);
  g_assert_cmpstrv (ctx->exec->args, ((const char *[]) { "eks", "get-token", "--cluster-name", "prod", NULL }));
  g_assert_cmpstrv (ctx->exec->env, ((const char *[]) { "AWS_PROFILE=ops", NULL }));
  g_assert_cmpstr (ctx->exec->interactive_mode, ==, "Never");
  g_assert_true (ctx->exec->provide_cluster_info);
}

static void
expect_error (Fixture    *f,
              const char *text,
              const char *context,
              const char *message)
{
  g_autofree char *path = write_file (f, "bad-config", text);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintKubeconfig) config = flint_kubeconfig_load (path, &error);
  g_autoptr(FlintKubeContext) ctx = NULL;

  if (config != NULL)
    ctx = flint_kubeconfig_resolve (config, context, &error);
  g_assert_null (ctx);
  g_assert_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG);
  if (strstr (error->message, message) == NULL)
    g_error ("“%s” does not say “%s”", error->message, message);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintKubeconfig) none = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "missing", NULL);

  none = flint_kubeconfig_load (missing, &error);
  g_assert_null (none);
  g_assert_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_NOT_FOUND);

  expect_error (f, "clusters: []\n", NULL, "has no current-context");
  expect_error (f, "contexts: [{name: a, context: {cluster: c}}]\n", "b",
                "has no context “b” (it has: a)");
  expect_error (f, "contexts: [{name: a, context: {cluster: c}}]\n", "a",
                "names cluster “c”, which no kubeconfig file defines");
  expect_error (f, "clusters: [{name: c, cluster: {certificate-authority: x}}]\n"
                   "contexts: [{name: a, context: {cluster: c}}]\n", "a", "has no server URL");
  expect_error (f, "clusters: [{name: c, cluster: {server: 'https://x', certificate-authority: nope.pem}}]\n"
                   "contexts: [{name: a, context: {cluster: c}}]\n", "a", "certificate-authority:");
  expect_error (f, "clusters: [{name: c, cluster: {server: 'https://x', certificate-authority-data: bm90IHBlbQ==}}]\n"
                   "contexts: [{name: a, context: {cluster: c}}]\n", "a", "is not base64 of PEM text");
  expect_error (f, "clusters: [{name: c, cluster: {server: 'https://x'}}]\n"
                   "contexts: [{name: a, context: {cluster: c, user: u}}]\n"
                   "users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}}}]\n",
                "a", "apiVersion client.authentication.k8s.io/v1alpha1 is not supported");
  expect_error (f, "clusters: [{name: c, cluster: {server: 'https://x'}}]\n"
                   "contexts: [{name: a, context: {cluster: c, user: u}}]\n"
                   "users: [{name: u, user: {auth-provider: {name: gcp}}}]\n",
                "a", "uses an auth-provider");
  expect_error (f, "clusters: {a: b}\n", NULL, "“clusters” must be a list");
  expect_error (f, "clusters: [\n", NULL, "line ");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/kubeconfig/single-file", test_single_file);
  ADD ("/kubeconfig/merge", test_merge);
  ADD ("/kubeconfig/exec", test_exec);
  ADD ("/kubeconfig/errors", test_errors);
#undef ADD

  return g_test_run ();
}
