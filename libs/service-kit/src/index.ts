export { defineFlags, formatHelp, parseFlags } from './flags.ts';
export type {
  BoolFlagSpec,
  BytesFlagSpec,
  DurationFlagSpec,
  FlagParseResult,
  FlagSpec,
  FlagSpecs,
  FlagValue,
  IntFlagSpec,
  ListFlagSpec,
  ParsedFlags,
  StringFlagSpec,
} from './flags.ts';
export { exporterWebFlags, logFlags, webFlags } from './common-flags.ts';
export { InvalidBytesError, parseBytes } from './bytes.ts';
export { LOG_FORMATS, LOG_LEVELS, createLogger, jsonLineToLogfmt } from './logger.ts';
export type { LogFormat, LogLevel, LogSink, Logger, LoggerOptions } from './logger.ts';
export { Secret } from './secret.ts';
export { REDACTED, isSecretKey, redactSecrets, redactText } from './redact.ts';
export { parseListenAddress } from './listen-address.ts';
export type { ListenAddress } from './listen-address.ts';
export { TEXT_FORMAT_CONTENT_TYPE } from './metrics-endpoint.ts';
export { registryFamilies } from './registry-families.ts';
export { registerBuildInfo } from './self-metrics.ts';
export type { BuildInfo } from './self-metrics.ts';
export { createService } from './service.ts';
export type { Service, ServiceAddress, ServiceOptions } from './service.ts';
export { FLAG_ERROR_EXIT_CODE, formatVersion, runMain } from './run-main.ts';
export type { MainEnvironment, MainOptions } from './run-main.ts';
export { loadYamlFile, loadYamlFileSync, parseYaml } from './yaml-document.ts';
export type { YamlDocument, YamlEntry, YamlNode, YamlPosition } from './yaml-document.ts';
export { DecodeContext, decodeYaml, schema } from './config-decoder.ts';
export type { Decoded, DecodedObject, Decoder } from './config-decoder.ts';
export { CLIENT_AUTH_TYPES, EMPTY_WEB_CONFIG, loadWebConfig } from './web-config.ts';
export type { ClientAuthType, TlsSettings, WebConfig } from './web-config.ts';
export { BasicAuthenticator } from './basic-auth.ts';
export {
  ConfigError,
  ConfigReadError,
  FlagError,
  ReloadError,
  ServiceKitError,
  WebConfigError,
  formatProblem,
} from './errors.ts';
export type { ConfigProblem } from './errors.ts';
