using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;

namespace TriageBot.Storage;

/// <summary>
/// <see cref="IStorage"/> in one PostgreSQL table, shared by every bot instance that uses the same database.
/// Each item is one row (key, ETag, JSON text, updated and expiry time). ETag checks happen inside one
/// <c>INSERT ... ON CONFLICT DO UPDATE ... WHERE etag = ...</c> per item, so two instances holding the same
/// ETag cannot both win; a batch of several items is one transaction (all or none). The table is created
/// on first use if missing (under an advisory lock, so instances starting together do not collide).
/// Connections come from an <see cref="NpgsqlDataSource"/> pool owned by this object. A server that cannot
/// be reached fails the call with <see cref="StorageUnavailableException"/> within
/// <see cref="PostgresStorageOptions.ConnectTimeout"/> (or <see cref="PostgresStorageOptions.CommandTimeout"/>
/// for a statement that does not return); the next call tries again.
/// </summary>
public sealed class PostgresStorage : IExpiringStorage, IDocumentStorage, IDisposable, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly string _table;
    private readonly string _where;
    private readonly string _readSql;
    private readonly string _readOneSql;
    private readonly string _writeSql;
    private readonly string _conditionalWriteSql;
    private readonly string _deleteSql;
    private readonly string _purgeSql;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>Checks the options and builds the connection pool; nothing is sent to the server until the first call.</summary>
    public PostgresStorage(IOptions<PostgresStorageOptions> options, TimeProvider? timeProvider = null)
    {
        var settings = options?.Value ?? throw new ArgumentNullException(nameof(options));
        var failures = PostgresStorageOptionsValidator.Failures(settings).ToList();
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _table = settings.TableName;

        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        var connection = builder.ConnectionStringBuilder;
        connection.Timeout = Seconds(settings.ConnectTimeout);
        connection.CommandTimeout = Seconds(settings.CommandTimeout);
        if (string.IsNullOrEmpty(connection.ApplicationName))
        {
            connection.ApplicationName = "TriageBot";
        }

        // Unless the connection string says otherwise: the few statements this class sends are prepared on the
        // server after their second use (parsed and planned once per connection, not on every turn), and a
        // connection going back to the pool is not reset (nothing here changes session state; the reset would
        // also drop the prepared statements).
        if (!settings.ConnectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            connection.MaxAutoPrepare = 16;
            connection.AutoPrepareMinUsages = 2;
        }

        if (!settings.ConnectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            connection.NoResetOnClose = true;
        }

        // Multiplexing: concurrent turns' statements share the pooled connections and go out together, instead of
        // each turn taking a connection for a round trip of its own. Under load that halves the bot's CPU per turn
        // (fewer context switches and wake-ups on both sides). `Multiplexing=false` in the connection string turns it off (it needs pooling).
        if (connection.Pooling && !settings.ConnectionString.Contains("Multiplexing", StringComparison.OrdinalIgnoreCase))
        {
            connection.Multiplexing = true;
        }

        _where = string.Create(CultureInfo.InvariantCulture, $"PostgreSQL at {connection.Host}:{connection.Port}, database {connection.Database ?? connection.Username}, table {_table}");
        _dataSource = builder.Build();

        var table = Quote(_table);
        _readSql = $"SELECT key, etag, json FROM {table} WHERE key = ANY($1)";
        // A turn reads one key (its conversation's state): no array to build, send and take apart for it.
        _readOneSql = $"SELECT key, etag, json FROM {table} WHERE key = $1";
        const string insert = "(key, etag, json, updated_at, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO UPDATE "
            + "SET etag = excluded.etag, json = excluded.json, updated_at = excluded.updated_at, expires_at = excluded.expires_at";
        _writeSql = $"INSERT INTO {table} AS item {insert}";
        // Creates the item if it is gone (as SQLite and memory do), updates it only if it still has the
        // ETag the writer read; otherwise no row is affected and the write is a conflict.
        _conditionalWriteSql = $"INSERT INTO {table} AS item {insert} WHERE item.etag = $6";
        _deleteSql = $"DELETE FROM {table} WHERE key = ANY($1)";
        _purgeSql = $"DELETE FROM {table} WHERE expires_at <= $1";
    }

    /// <inheritdoc />
    public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        CheckKeys(keys);
        if (keys.Length == 0)
        {
            return Task.FromResult<IDictionary<string, object>>(new Dictionary<string, object>(StringComparer.Ordinal));
        }

        return RunAsync<IDictionary<string, object>>(async connection =>
        {
            await using var command = new NpgsqlCommand(keys.Length == 1 ? _readOneSql : _readSql, connection);
            command.Parameters.Add(keys.Length == 1
                ? new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = keys[0] }
                : new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = keys });
            var result = new Dictionary<string, object>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result[reader.GetString(0)] = StorageExtensions.FromStorageDocument(reader.GetString(2), reader.GetString(1));
            }

            return result;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        CheckKeys(changes.Keys);
        if (changes.Count == 0)
        {
            return;
        }

        var rows = changes.Select(change =>
        {
            var (json, eTag, expiresAt) = StorageExtensions.ToStorageUtf8(change.Value);
            return new Row(change.Key, json, StorageExtensions.IsUnconditional(eTag) ? null : eTag, expiresAt, StorageExtensions.NewETag());
        }).ToList();
        await WriteRowsAsync(rows, cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            StorageExtensions.SetNewETag(changes[row.Key], row.NewETag);
        }
    }

    /// <inheritdoc />
    public Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        CheckKeys([key]);
        return RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(_readOneSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = key });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                // Text read as its UTF-8 bytes (Npgsql maps text to byte[]): no string between the server and the state.
                ? new StoredDocument(reader.GetFieldValue<byte[]>(2), reader.GetString(1))
                : null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<string> WriteDocumentAsync(string key, ReadOnlyMemory<byte> json, string? eTag, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        CheckKeys([key]);
        var row = new Row(key, json, StorageExtensions.IsUnconditional(eTag) ? null : eTag, expiresAt, StorageExtensions.NewETag());
        await WriteRowsAsync([row], cancellationToken).ConfigureAwait(false);
        return row.NewETag;
    }

    /// <summary>Writes the rows (all or none): each unconditionally or over its expected eTag.</summary>
    private async Task WriteRowsAsync(List<Row> rows, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow().ToUniversalTime();
        await RunAsync(async connection =>
        {
            await using var transaction = rows.Count > 1 ? await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var row in rows)
            {
                var command = new NpgsqlBatchCommand(row.ExpectedETag is null ? _writeSql : _conditionalWriteSql);
                command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = row.Key });
                command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = row.NewETag });
                // UTF-8 bytes written as text (Npgsql takes ReadOnlyMemory<byte> for text): no string in between.
                command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = row.Json });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = now });
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = row.ExpiresAt is { } at ? at.ToUniversalTime() : DBNull.Value });
                if (row.ExpectedETag is not null)
                {
                    command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = row.ExpectedETag });
                }

                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < rows.Count; i++)
            {
                if (batch.BatchCommands[i].RecordsAffected == 0)
                {
                    // Disposing the transaction rolls back the rows written before this one.
                    throw new StorageConcurrencyException(rows[i].Key);
                }
            }

            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        CheckKeys(keys);
        if (keys.Length == 0)
        {
            return Task.CompletedTask;
        }

        return RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(_deleteSql, connection);
            command.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = keys });
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(_purgeSql, connection);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = now.ToUniversalTime() });
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Creates the table and its expiry index if they are missing. Every other call does this first, so
    /// calling it is optional (at start-up, to fail early). Safe when several instances do it at once.
    /// </summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) =>
        RunAsync(_ => Task.FromResult(true), cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        _dataSource.Dispose();
        _schemaGate.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _schemaGate.Dispose();
    }

    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> body, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            if (!_schemaReady)
            {
                await CreateTableAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            return await body(connection).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex) && !cancellationToken.IsCancellationRequested)
        {
            // After a server restart every idle pooled connection is dead: drop them all now, so the next call
            // opens a fresh one instead of finding the dead ones one failure at a time.
            _dataSource.Clear();
            throw new StorageUnavailableException($"The storage ({_where}) cannot be reached: {ex.Message}", ex);
        }
    }

    private async Task CreateTableAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            // CREATE TABLE IF NOT EXISTS alone is not safe when two sessions run it at the same moment (one
            // fails on the catalog's unique index); the transaction-scoped advisory lock serialises them. An
            // existing table is left alone without the lock (and without needing the CREATE privilege).
            var table = Quote(_table);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection, transaction))
            {
                exists.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = table });
                if ((bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    _schemaReady = true;
                    return;
                }
            }

            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended('triagebot.storage:' || coalesce(current_schema(), '') || '.' || $1, 0))")
                    {
                        Parameters = { new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = _table } },
                    },
                    new NpgsqlBatchCommand($"""
                        CREATE TABLE IF NOT EXISTS {table} (
                            key text PRIMARY KEY,
                            etag text NOT NULL,
                            json text NOT NULL,
                            updated_at timestamptz NOT NULL,
                            expires_at timestamptz NULL)
                        """),
                    new NpgsqlBatchCommand($"CREATE INDEX IF NOT EXISTS {Quote(_table + "_expires_at")} ON {table} (expires_at) WHERE expires_at IS NOT NULL"),
                },
            };
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    /// <summary>
    /// Network and server-availability failures (refused, timed out, broken connection, server shutting
    /// down or out of connections), not errors in what was asked.
    /// </summary>
    private static bool IsUnavailable(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("57P", StringComparison.Ordinal),
        NpgsqlException => true,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// PostgreSQL text cannot hold U+0000 (the server refuses the whole statement), so a key with one is refused
    /// here, by name, before anything is sent. Values are safe: their JSON escapes it as <c>\u0000</c>.
    /// </summary>
    private static void CheckKeys(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(keys));
            if (key.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException("A storage key cannot contain the NUL character (U+0000): PostgreSQL text cannot hold it.", nameof(keys));
            }
        }
    }

    private static int Seconds(TimeSpan value) => (int)Math.Ceiling(value.TotalSeconds);

    private static string Quote(string identifier) => "\"" + identifier + "\"";

    private sealed record Row(string Key, ReadOnlyMemory<byte> Json, string? ExpectedETag, DateTimeOffset? ExpiresAt, string NewETag);
}
