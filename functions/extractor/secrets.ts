import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { tmdbTokenProblem, type ExtractorConfig } from "./config";
import { describeError, SecretError } from "./errors";

const cache = new Map<string, Promise<string>>();

/**
 * The TMDB token: `tmdbToken` when set, else the SecretString of `tmdbSecretArn`, fetched once per
 * process (a Lambda container) and cached; a failed fetch is not cached, so the next run tries again.
 * A SecretString that cannot be a Bearer token (see `tmdbTokenProblem`) fails with a message that names the
 * secret and the problem, never the value.
 */
export function resolveTmdbToken(
  config: Pick<ExtractorConfig, "tmdbToken" | "tmdbSecretArn" | "awsRegion">,
): Promise<string> {
  if (config.tmdbToken) return Promise.resolve(config.tmdbToken);
  const arn = config.tmdbSecretArn;
  if (!arn)
    return Promise.reject(new SecretError("(unset)", "neither TMDB_API_TOKEN nor TMDB_SECRET_ARN is set"));
  let token = cache.get(arn);
  if (!token) {
    token = fetchSecret(arn, config.awsRegion);
    cache.set(arn, token);
    token.catch(() => cache.delete(arn));
  }
  return token;
}

async function fetchSecret(arn: string, region: string): Promise<string> {
  const client = new SecretsManagerClient({ region });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    const token = SecretString?.trim();
    if (!token) throw new SecretError(arn, "the secret has no SecretString (store the token as plain text)");
    if (token.startsWith("{")) {
      throw new SecretError(
        arn,
        "the SecretString is JSON; store the API Read Access Token itself as plain text",
      );
    }
    const problem = tmdbTokenProblem(token);
    if (problem !== undefined) throw new SecretError(arn, `the SecretString ${problem}`);
    return token;
  } catch (error) {
    if (error instanceof SecretError) throw error;
    throw new SecretError(arn, describeError(error), { cause: error });
  } finally {
    client.destroy();
  }
}
