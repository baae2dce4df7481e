using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;

namespace TriageBot.Storage;

/// <summary>
/// <see cref="IStorage"/> in one SQLite table (WAL mode, synchronous NORMAL). Writes in this process take turns under
/// one lock on one connection with prepared statements. ETag checks happen inside the SQL statements, in an
/// IMMEDIATE transaction for a batch of several items, so concurrent writers holding the same ETag cannot both win.
/// A database that cannot be opened, read or written for reasons of the environment (its folder or file gone
/// or read-only, the disk full, an I/O error, locked longer than the busy timeout) fails the call with
/// <see cref="StorageUnavailableException"/>; the next call tries again.
/// </summary>
public sealed class SqliteStorage : IExpiringStorage, IDocumentStorage
{
    private readonly string _connectionString;
    private readonly string _path;
    private readonly TimeProvider _timeProvider;

    /// <summary>Opens (and creates if needed) the database.</summary>
    public SqliteStorage(IOptions<SqliteStorageOptions> options, TimeProvider? timeProvider = null)
    {
        var path = Path.GetFullPath(options?.Value.DatabasePath ?? throw new ArgumentNullException(nameof(options)));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _path = path;
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
    public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return GuardAsync(() => ReadCoreAsync(keys, cancellationToken));
    }

    private async Task<IDictionary<string, object>> ReadCoreAsync(string[] keys, CancellationToken cancellationToken)
    {
        IDictionary<string, object> result = new Dictionary<string, object>(StringComparer.Ordinal);
        if (keys.Length == 0)
        {
            return result;
        }

        if (keys.Length == 1)
        {
            // The read of every turn (its conversation's state): on a pooled connection with the statement prepared.
            cancellationToken.ThrowIfCancellationRequested();
            if (ReadOne(keys[0]) is var (eTag, json))
            {
                result[keys[0]] = StorageExtensions.FromStorageDocument(json, eTag);
            }

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
    public Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return Task.CompletedTask;
        }

        return GuardAsync(() =>
        {
            // Serialized before taking the write lock, which is held only for the statements.
            var documents = changes.Select(change => (change.Key, Document: StorageExtensions.ToStorageJson(change.Value))).ToList();
            var newETags = WriteCore(documents, cancellationToken);
            for (var i = 0; i < documents.Count; i++)
            {
                StorageExtensions.SetNewETag(changes[documents[i].Key], newETags[i]);
            }

            return Task.FromResult(true);
        });
    }

    /// <inheritdoc />
    public Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return GuardAsync(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(ReadOne(key) is var (eTag, json) ? new StoredDocument(json, eTag) : null);
        });
    }

    /// <inheritdoc />
    public Task<string> WriteDocumentAsync(string key, ReadOnlyMemory<byte> json, string? eTag, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var text = Encoding.UTF8.GetString(json.Span);
        return GuardAsync(() => Task.FromResult(WriteCore([(key, (text, eTag, expiresAt))], cancellationToken)[0]));
    }

    /// <summary>Writes the documents (all or none); returns their new eTags, in the documents' order.</summary>
    private string[] WriteCore(List<(string Key, (string Json, string? ETag, DateTimeOffset? ExpiresAt) Document)> documents, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var newETags = new string[documents.Count];
        cancellationToken.ThrowIfCancellationRequested();
        // SQLite's statements run synchronously: the writes are done under a plain lock, which hands over to the
        // next writer at once (an async gate would go through the thread pool on every hand-over).
        lock (_writeLock)
        {
            // One connection does all the writing, with its statements prepared once. An open connection would go on
            // writing into a database file that was deleted or moved away (and lose everything it writes), so the file
            // is looked for first: when it is gone the writer is dropped and opening a new one reports the outage.
            if (_writer is not null && !File.Exists(_path))
            {
                _writer.Dispose();
                _writer = null;
            }

            var writer = _writer ??= new Writer(Open());
            try
            {
                // One item needs no explicit transaction: each statement is atomic and checks the ETag itself, and the
                // insert after a missed update creates the item only if nobody did meanwhile. Several items are all or none.
                using var transaction = documents.Count > 1 ? writer.Connection.BeginTransaction(deferred: false) : null;
                for (var i = 0; i < documents.Count; i++)
                {
                    var (key, (json, eTag, expiresAt)) = documents[i];
                    var newETag = StorageExtensions.NewETag();
                    var at = expiresAt is { } expiry ? expiry.ToUnixTimeMilliseconds() : (object)DBNull.Value;
                    if (StorageExtensions.IsUnconditional(eTag))
                    {
                        writer.Run(writer.Upsert, transaction, key, newETag, json, now, at, null);
                    }
                    else if (writer.Run(writer.Update, transaction, key, newETag, json, now, at, eTag) == 0
                        && writer.Run(writer.InsertIfAbsent, transaction, key, newETag, json, now, at, null) == 0)
                    {
                        // Update only the version the writer read; if the item is gone, create it, unless someone else
                        // created it meanwhile (the insert then does nothing).
                        throw new StorageConcurrencyException(key);
                    }

                    newETags[i] = newETag;
                }

                transaction?.Commit();
            }
            catch (Exception ex) when (ex is not StorageConcurrencyException)
            {
                // Whatever went wrong, the next write starts on a fresh connection.
                writer.Dispose();
                _writer = null;
                throw;
            }
        }

        return newETags;
    }

    private readonly Lock _writeLock = new();
    private Writer? _writer;

    /// <summary>Idle reading connections, each with its read statement prepared (WAL: they read while the writer writes).</summary>
    private readonly ConcurrentBag<Reader> _readers = [];

    /// <summary>At most this many idle readers are kept; reads run synchronously, so about one per thread is in use.</summary>
    private static readonly int MaxIdleReaders = Environment.ProcessorCount * 2;

    private (string ETag, byte[] Json)? ReadOne(string key)
    {
        // Like the writer, an open reader would go on reading a database file that was deleted or moved away, so the
        // file is looked for first: when it is gone the idle readers are dropped and opening a new one reports the outage.
        if (!File.Exists(_path))
        {
            while (_readers.TryTake(out var stale))
            {
                stale.Dispose();
            }
        }

        var reader = _readers.TryTake(out var idle) ? idle : new Reader(Open());
        (string ETag, byte[] Json)? found;
        try
        {
            found = reader.Read(key);
        }
        catch
        {
            reader.Dispose();
            throw;
        }

        if (_readers.Count < MaxIdleReaders)
        {
            _readers.Add(reader);
        }
        else
        {
            reader.Dispose();
        }

        return found;
    }

    /// <summary>A reading connection and its prepared statement; used by one read at a time.</summary>
    private sealed class Reader : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _select;

        public Reader(SqliteConnection connection)
        {
            _connection = connection;
            _select = connection.CreateCommand();
            _select.CommandText = "SELECT etag, json FROM items WHERE key = @key";
            _select.Parameters.Add("@key", SqliteType.Text);
            _select.Prepare();
        }

        /// <summary>The item's eTag and its JSON as SQLite keeps it (UTF-8: no decoding into a string and back).</summary>
        public (string ETag, byte[] Json)? Read(string key)
        {
            _select.Parameters[0].Value = key;
            using var reader = _select.ExecuteReader();
            return reader.Read() ? (reader.GetString(0), reader.GetFieldValue<byte[]>(1)) : null;
        }

        public void Dispose()
        {
            _select.Dispose();
            _connection.Dispose();
        }
    }

    /// <summary>The writing connection and its prepared statements; used only under the write gate.</summary>
    private sealed class Writer : IDisposable
    {
        private const string Values = "(key, etag, json, updated_at, expires_at) VALUES (@key, @newETag, @json, @now, @expiresAt)";

        public Writer(SqliteConnection connection)
        {
            Connection = connection;
            Upsert = Prepare($"""
                INSERT INTO items {Values}
                ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, json = excluded.json,
                    updated_at = excluded.updated_at, expires_at = excluded.expires_at
                """, withETag: false);
            Update = Prepare("UPDATE items SET etag = @newETag, json = @json, updated_at = @now, expires_at = @expiresAt WHERE key = @key AND etag = @eTag", withETag: true);
            InsertIfAbsent = Prepare($"INSERT INTO items {Values} ON CONFLICT (key) DO NOTHING", withETag: false);
        }

        public SqliteConnection Connection { get; }

        public SqliteCommand Upsert { get; }

        public SqliteCommand Update { get; }

        public SqliteCommand InsertIfAbsent { get; }

        public int Run(SqliteCommand command, SqliteTransaction? transaction, string key, string newETag, string json, long now, object expiresAt, string? eTag)
        {
            command.Transaction = transaction;
            command.Parameters["@key"].Value = key;
            command.Parameters["@newETag"].Value = newETag;
            command.Parameters["@json"].Value = json;
            command.Parameters["@now"].Value = now;
            command.Parameters["@expiresAt"].Value = expiresAt;
            if (eTag is not null)
            {
                command.Parameters["@eTag"].Value = eTag;
            }

            return command.ExecuteNonQuery();
        }

        public void Dispose()
        {
            Upsert.Dispose();
            Update.Dispose();
            InsertIfAbsent.Dispose();
            Connection.Dispose();
        }

        private SqliteCommand Prepare(string sql, bool withETag)
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.Add("@key", SqliteType.Text);
            command.Parameters.Add("@newETag", SqliteType.Text);
            command.Parameters.Add("@json", SqliteType.Text);
            command.Parameters.Add("@now", SqliteType.Integer);
            command.Parameters.Add("@expiresAt", SqliteType.Integer);
            if (withETag)
            {
                command.Parameters.Add("@eTag", SqliteType.Text);
            }

            command.Prepare();
            return command;
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return GuardAsync(() =>
        {
            DeleteCore(keys, cancellationToken);
            return Task.FromResult(true);
        });
    }

    private void DeleteCore(string[] keys, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_writeLock)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            foreach (var key in keys)
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "DELETE FROM items WHERE key = @key";
                command.Parameters.AddWithValue("@key", key);
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    /// <inheritdoc />
    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        GuardAsync(() => Task.FromResult(PurgeCore(now, cancellationToken)));

    private int PurgeCore(DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_writeLock)
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM items WHERE expires_at IS NOT NULL AND expires_at <= @now";
            command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery();
        }
    }

    private async Task<T> GuardAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (SqliteException ex) when (IsUnavailable(ex))
        {
            throw new StorageUnavailableException($"The storage (SQLite database {_path}) cannot be used right now: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Failures of the environment rather than of the statement: busy or locked past the timeout, out of
    /// memory, read-only, I/O error, disk full, cannot open the file, lock protocol error.
    /// </summary>
    private static bool IsUnavailable(SqliteException ex) => ex.SqliteErrorCode is 5 or 6 or 7 or 8 or 10 or 13 or 14 or 15;

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
