/**
 * The brokers' host listener with `authenticated` access: SASL_SSL with SCRAM-SHA-512, the lab's
 * server certificate, and the SCRAM users written into the cluster metadata when the log dir is
 * formatted. The lab network's listeners stay PLAINTEXT.
 */
import type { SecuredHostListener } from './kafka';

/** The only mechanism the host listener offers: SCRAM never sends the password itself. */
export const HOST_SASL_MECHANISM = 'SCRAM-SHA-512';

/** Where the broker finds the lab's server certificate chain and key (files uploaded by Terraform). */
export const BROKER_TLS_DIR = '/etc/kafka/lab-tls';

/** The broker's entrypoint when the host listener is secured: it runs the image's own after preparing. */
export const SECURED_START_SCRIPT = '/etc/kafka/lab/start-secured.sh';

const SCRAM_LOGIN_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';

/**
 * Broker settings of the secured host listener, in the apache/kafka image's variable convention
 * (`_` -> `.`, `___` -> `-`), and the SCRAM users as numbered variables for the start script. The
 * passwords are Terraform expressions: they reach the container's environment, never the JSON.
 */
export function securedHostListenerEnv(listener: SecuredHostListener): Record<string, string> {
  const users = Object.fromEntries(
    listener.users.flatMap((user, i) => [
      [`LAB_SCRAM_USER_${i + 1}`, user.name],
      [`LAB_SCRAM_PASSWORD_${i + 1}`, user.password],
    ]),
  );
  return {
    KAFKA_SASL_ENABLED_MECHANISMS: HOST_SASL_MECHANISM,
    KAFKA_LISTENER_NAME_HOST_SASL_ENABLED_MECHANISMS: HOST_SASL_MECHANISM,
    // The broker checks SCRAM logins against the credentials in the cluster metadata; the module needs no options.
    KAFKA_LISTENER_NAME_HOST_SCRAM___SHA___512_SASL_JAAS_CONFIG: `${SCRAM_LOGIN_MODULE} required;`,
    KAFKA_LISTENER_NAME_HOST_SSL_KEYSTORE_TYPE: 'PEM',
    ...users,
  };
}

/**
 * The start script: Kafka takes a PEM key store inline, as one-line property values, which it reads
 * from the uploaded files; SCRAM credentials live in the cluster metadata, so they are added when
 * the log dir is formatted (first start only: a formatted log dir keeps the ones it has). Then the
 * image's own entrypoint, which writes server.properties from the KAFKA_* variables and starts the broker.
 */
export function securedStartScript(ports: { readonly internal: number; readonly controller: number }): string {
  // No "\${" anywhere: the script travels through the synthesized JSON, where Terraform would read it as its own.
  return `#!/usr/bin/env bash
set -o errexit -o nounset -o pipefail
# One line per value: server.properties holds one property per line, and Kafka's PEM reader skips
# whitespace. Of the chain file only its first certificate, the server's: Kafka 3.9 refuses to start
# on a one-line chain of two (clients trust the CA itself).
one_line() { tr '\\n' ' ' < "$1"; }
first_certificate() { sed -n '1,/-----END CERTIFICATE-----/p' "$1" | tr '\\n' ' '; }
export KAFKA_LISTENER_NAME_HOST_SSL_KEYSTORE_KEY="$(one_line ${BROKER_TLS_DIR}/server.key)"
export KAFKA_LISTENER_NAME_HOST_SSL_KEYSTORE_CERTIFICATE_CHAIN="$(first_certificate ${BROKER_TLS_DIR}/server.pem)"

# The SCRAM users, numbered from 1: --add-scram arguments for the format step.
set --
i=1
while user="$(printenv "LAB_SCRAM_USER_$i")"; do
  set -- "$@" --add-scram "${HOST_SASL_MECHANISM}=[name=$user,password=$(printenv "LAB_SCRAM_PASSWORD_$i")]"
  unset "LAB_SCRAM_USER_$i" "LAB_SCRAM_PASSWORD_$i"
  i=$((i + 1))
done

data_dir="$(cut -d, -f1 <<<"$KAFKA_LOG_DIRS")"
if [[ ! -f "$data_dir/meta.properties" ]]; then
  # Only what formatting reads: the node, its roles, the quorum and the log dirs (its plaintext listeners suffice).
  cat > /tmp/lab-format.properties <<PROPERTIES
process.roles=$KAFKA_PROCESS_ROLES
node.id=$KAFKA_NODE_ID
controller.quorum.voters=$KAFKA_CONTROLLER_QUORUM_VOTERS
controller.listener.names=$KAFKA_CONTROLLER_LISTENER_NAMES
listeners=INTERNAL://:${ports.internal},CONTROLLER://:${ports.controller}
listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
log.dirs=$KAFKA_LOG_DIRS
PROPERTIES
  echo "===> Formatting $KAFKA_LOG_DIRS with $(($# / 2)) SCRAM user(s) for the SASL_SSL host listener"
  /opt/kafka/bin/kafka-storage.sh format --cluster-id "$CLUSTER_ID" --config /tmp/lab-format.properties "$@"
  rm -f /tmp/lab-format.properties
fi
# The image's own entrypoint, without the users' passwords in the broker's environment.
exec /etc/kafka/docker/run
`;
}
