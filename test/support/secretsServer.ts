/**
 * A minimal Secrets Manager-compatible server on 127.0.0.1: answers `GetSecretValue` (AWS JSON 1.1
 * protocol) for the secrets it holds, so the real SDK client can be pointed at it with
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface SecretsServer {
  endpoint: string;
  /** `GetSecretValue` calls received, by SecretId. */
  calls: string[];
  close(): Promise<void>;
}

/** Starts the server holding `secrets` (ARN -> SecretString). */
export async function startSecretsServer(secrets: Record<string, string>): Promise<SecretsServer> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(body));
      };
      if (req.headers["x-amz-target"] !== "secretsmanager.GetSecretValue") {
        return reply(400, { __type: "UnknownOperationException", message: "unsupported operation" });
      }
      const { SecretId } = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as {
        SecretId?: string;
      };
      calls.push(SecretId ?? "");
      const value = SecretId === undefined ? undefined : secrets[SecretId];
      if (value === undefined) {
        return reply(400, {
          __type: "ResourceNotFoundException",
          message: "Secrets Manager can't find the specified secret.",
        });
      }
      return reply(200, {
        ARN: SecretId,
        Name: "tmdb-token",
        SecretString: value,
        VersionId: "v1",
        CreatedDate: 1.7e9,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
