using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace TriageBot.Storage;

/// <summary>Settings of <see cref="PostgresStorage"/> (configuration section <c>Storage</c>).</summary>
public class PostgresStorageOptions
{
    /// <summary>
    /// Npgsql connection string, for example <c>Host=db.internal;Database=triagebot;Username=triagebot;Password=...</c>
    /// (configuration key <c>Storage:ConnectionString</c>). Required.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The table that holds the items, created when missing (in the connection's schema: add
    /// <c>Search Path=...</c> to the connection string for another one). Lower-case letters, digits and
    /// underscores, starting with a letter or underscore, at most 52 characters.
    /// </summary>
    public string TableName { get; set; } = "triagebot_items";

    /// <summary>
    /// How long opening a connection may take before the operation fails with
    /// <see cref="Protocol.Builder.StorageUnavailableException"/> (whole seconds, 1 to 1024; overrides
    /// <c>Timeout</c> in the connection string). Also bounds the wait for a free pooled connection.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one statement may run before it fails with <see cref="Protocol.Builder.StorageUnavailableException"/>
    /// (whole seconds, at least 1; overrides <c>Command Timeout</c> in the connection string).
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Checks <see cref="PostgresStorageOptions"/>; every message names the configuration key.</summary>
public sealed partial class PostgresStorageOptionsValidator : IValidateOptions<PostgresStorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PostgresStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Failures(options).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The problems of <paramref name="options"/>; none when they can be used.</summary>
    public static IEnumerable<string> Failures(PostgresStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            yield return "Storage:ConnectionString is required when Storage:Provider is Postgres "
                + "(for example Host=db.internal;Database=triagebot;Username=triagebot;Password=...; "
                + "or the environment variable Storage__ConnectionString).";
        }
        else if (ParseError(options.ConnectionString) is { } error)
        {
            yield return $"Storage:ConnectionString is not a valid PostgreSQL connection string: {error}";
        }

        if (!TableNamePattern().IsMatch(options.TableName ?? ""))
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"Storage:TableName '{options.TableName}' must be lower-case letters, digits and underscores, start with a letter or underscore, and have at most 52 characters.");
        }

        if (options.ConnectTimeout < TimeSpan.FromSeconds(1) || options.ConnectTimeout > TimeSpan.FromSeconds(1024))
        {
            yield return "Storage:ConnectTimeout must be between 00:00:01 and 00:17:04.";
        }

        if (options.CommandTimeout < TimeSpan.FromSeconds(1))
        {
            yield return "Storage:CommandTimeout must be at least 00:00:01.";
        }
    }

    private static string? ParseError(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or KeyNotFoundException)
        {
            // Npgsql's message names the keyword; a password (any string) never fails to parse, so it is not shown.
            return ex.Message;
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,51}$")]
    private static partial Regex TableNamePattern();
}
