using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;

namespace TriageBot.Storage;

/// <summary>
/// <see cref="IStorage"/> in one SQLite table (WAL mode, synchronous NORMAL). ETag checks happen inside the SQL statements,
/// in an IMMEDIATE transaction per batch, so concurrent writers holding the same ETag cannot both win.
/// </summary>
public sealed class SqliteStorage : IExpiringStorage
{
    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;

    /// <summary>Opens (and creates if needed) the database.</summary>
    public SqliteStorage(IOptions<SqliteStorageOptions> options, TimeProvider? timeProvider = null)
    {
        var path = Path.GetFullPath(options?.Value.DatabasePath ?? throw new ArgumentNullException(nameof(options)));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate }.ToString();
        _timeProvider = timeProvider ?? TimeProvider.System;

        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS items (
                key TEXT PRIMARY KEY NOT NULL,
                etag TEXT NOT NULL,
                json TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                expires_at INTEGER NULL);
            CREATE INDEX IF NOT EXISTS items_expires_at ON items (expires_at) WHERE expires_at IS NOT NULL;
            """;
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public async Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        IDictionary<string, object> result = new Dictionary<string, object>(StringComparer.Ordinal);
        if (keys.Length == 0)
        {
            return result;
        }

        await using var connection = Open();
        await using var command = connection.CreateCommand();
        var names = keys.Select((key, i) =>
        {
            command.Parameters.AddWithValue($"@k{i}", key);
            return $"@k{i}";
        }).ToList();
        command.CommandText = $"SELECT key, etag, json FROM items WHERE key IN ({string.Join(", ", names)})";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[reader.GetString(0)] = StorageExtensions.FromStorageDocument(reader.GetString(2), reader.GetString(1));
        }

        return result;
    }

    /// <inheritdoc />
    public async Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var newETags = new Dictionary<string, string>(StringComparer.Ordinal);
        // Serialized before taking the write lock, which is held only for the statements.
        var documents = changes.Select(change => (change.Key, Document: StorageExtensions.ToStorageJson(change.Value))).ToList();
        using var writing = await WriteLockAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = Open();
        // One item needs no explicit transaction: each statement is atomic and checks the ETag itself, and the
        // insert after a missed update creates the item only if nobody did meanwhile. Several items are all or none.
        await using var transaction = changes.Count > 1 ? connection.BeginTransaction(deferred: false) : null;
        foreach (var (key, (json, eTag, expiresAt)) in documents)
        {
            var newETag = Guid.NewGuid().ToString("N");
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.Parameters.AddWithValue("@key", key);
            command.Parameters.AddWithValue("@newETag", newETag);
            command.Parameters.AddWithValue("@json", json);
            command.Parameters.AddWithValue("@now", now);
            command.Parameters.AddWithValue("@expiresAt", expiresAt is { } at ? at.ToUnixTimeMilliseconds() : DBNull.Value);
            if (StorageExtensions.IsUnconditional(eTag))
            {
                command.CommandText = """
                    INSERT INTO items (key, etag, json, updated_at, expires_at) VALUES (@key, @newETag, @json, @now, @expiresAt)
                    ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, json = excluded.json,
                        updated_at = excluded.updated_at, expires_at = excluded.expires_at
                    """;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Update only the version the writer read; if the item is gone, create it, unless
                // someone else created it meanwhile (the insert then does nothing).
                command.Parameters.AddWithValue("@eTag", eTag);
                command.CommandText = """
                    UPDATE items SET etag = @newETag, json = @json, updated_at = @now, expires_at = @expiresAt
                    WHERE key = @key AND etag = @eTag
                    """;
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    command.CommandText = """
                        INSERT INTO items (key, etag, json, updated_at, expires_at) VALUES (@key, @newETag, @json, @now, @expiresAt)
                        ON CONFLICT (key) DO NOTHING
                        """;
                    if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                    {
                        throw new StorageConcurrencyException(key);
                    }
                }
            }

            newETags[key] = newETag;
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var (key, eTag) in newETags)
        {
            StorageExtensions.SetNewETag(changes[key], eTag);
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        using var writing = await WriteLockAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var key in keys)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM items WHERE key = @key";
            command.Parameters.AddWithValue("@key", key);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        using var writing = await WriteLockAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM items WHERE expires_at IS NOT NULL AND expires_at <= @now";
        command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One writer at a time inside this process. SQLite allows one writer per database; a second one waits in its
    /// busy handler, which sleeps (1, 2, 5, 10 ms and more) instead of waking when the lock is free, so under
    /// concurrent turns writers would spend their time asleep. Queued here they take turns without sleeping; the
    /// busy timeout is left for writers in other processes. Reads (WAL) do not wait.
    /// </summary>
    private async Task<IDisposable> WriteLockAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Release(_writeGate);
    }

    private readonly SemaphoreSlim _writeGate = new(1, 1);

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // Pooled connections keep their settings: set them once per database handle, not on every open.
        if (_configured.TryGetValue(connection.Handle!, out _))
        {
            return connection;
        }

        using var command = connection.CreateCommand();
        // synchronous = NORMAL (per connection): in WAL mode a commit is not fsynced, the WAL is at checkpoints. A
        // crash of the process loses nothing; a power cut can lose the last commits, never the database. FULL
        // (SQLite's default) costs an fsync per turn, which bounds the bot to the disk's sync rate.
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {30_000}; PRAGMA synchronous = NORMAL;");
        command.ExecuteNonQuery();
        _configured.AddOrUpdate(connection.Handle!, Configured);
        return connection;
    }

    private static readonly object Configured = new();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = new();
}
