using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Tests.Builder;
using TriageBot.Testing;

namespace TriageBot.Storage.Tests;

/// <summary>
/// Runs the storage contract against PostgreSQL (a table of its own per test), plus what only a shared
/// server has: several instances (each its own <see cref="PostgresStorage"/> and connection pool, as two bot
/// instances) on one table, an unreachable server, and the table created by instances starting together.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStorageTests(PostgresFixture fixture) : StorageContractTests, IAsyncLifetime
{
    // Bounds a wait that a regression would make endless; nothing waits on the real clock otherwise.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly string _table = PostgresTestServer.NewTableName();
    private readonly List<PostgresStorage> _instances = [];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    protected override IExpiringStorage CreateStorage() => Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        fixture.Server.DropTable(_table);
    }

    [Fact]
    public async Task WriteAsync_SecondInstanceOnSameTable_SeesData()
    {
        await Create().WriteAsync(new Dictionary<string, object> { ["k"] = new Note { Text = "persisted" } });

        var read = await Create().ReadAsync<Note>(["k"]);

        Assert.Equal("persisted", read["k"].Text);
    }

    [Fact]
    public async Task WriteAsync_Item_StoresJsonTextWithoutETagAndTheTimes()
    {
        var expires = new DateTimeOffset(2026, 2, 1, 8, 30, 0, TimeSpan.FromHours(2));
        await Create().WriteAsync(new Dictionary<string, object> { ["k"] = new Note { Text = "x", ExpiresAt = expires, ETag = "*" } });

        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT json, etag, updated_at, expires_at FROM \"{_table}\" WHERE key = 'k'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        var json = JsonNode.Parse(reader.GetString(0))!.AsObject();
        Assert.Equal(["text", "count", "expiresAt"], json.Select(p => p.Key));
        Assert.Equal(expires, json["expiresAt"]!.GetValue<DateTimeOffset>());
        Assert.Matches("^[0-9a-f]{32}$", reader.GetString(1));
        Assert.Equal(_time.GetUtcNow(), reader.GetFieldValue<DateTimeOffset>(2));
        Assert.Equal(expires, reader.GetFieldValue<DateTimeOffset>(3));
    }

    [Fact]
    public async Task WriteAsync_TwoInstancesRacingOnOneKey_ExactlyOneWinsEveryRound()
    {
        var (a, b) = (Create(), Create());
        await a.WriteAsync(new Dictionary<string, object> { ["k"] = new Note { Text = "v0" } });

        for (var round = 0; round < 10; round++)
        {
            var eTag = (await b.ReadAsync<Note>(["k"]))["k"].ETag;
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    await (i % 2 == 0 ? a : b).WriteAsync(new Dictionary<string, object> { ["k"] = new Note { Text = $"r{round}w{i}", ETag = eTag } });
                    return true;
                }
                catch (StorageConcurrencyException)
                {
                    return false;
                }
            })).ToList();
            start.SetResult();
            var results = await Task.WhenAll(writers).WaitAsync(Guard);

            Assert.Equal(1, results.Count(won => won));
            Assert.Equal($"r{round}w{Array.IndexOf(results, true)}", (await a.ReadAsync<Note>(["k"]))["k"].Text);
        }
    }

    [Fact]
    public async Task WriteAsync_TwoInstancesIncrementingWithRetryOnConflict_LoseAndRepeatNoUpdate()
    {
        var (a, b) = (Create(), Create());
        await a.WriteAsync(new Dictionary<string, object> { ["counter"] = new Note { Count = 0 } });
        var conflicts = 0;

        async Task IncrementAsync(IStorage storage, int times)
        {
            for (var i = 0; i < times; i++)
            {
                while (true)
                {
                    var note = (await storage.ReadAsync<Note>(["counter"]))["counter"];
                    note.Count++;
                    try
                    {
                        await storage.WriteAsync(new Dictionary<string, object> { ["counter"] = note });
                        break;
                    }
                    catch (StorageConcurrencyException)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            }
        }

        await Task.WhenAll(Task.Run(() => IncrementAsync(a, 25)), Task.Run(() => IncrementAsync(b, 25))).WaitAsync(Guard);

        Assert.Equal(50, (await a.ReadAsync<Note>(["counter"]))["counter"].Count);
    }

    [Fact]
    public async Task EnsureCreatedAsync_EightInstancesStartingTogether_OneTableNoError()
    {
        var instances = Enumerable.Range(0, 8).Select(_ => Create()).ToList();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var creating = instances.Select(instance => Task.Run(async () =>
        {
            await start.Task;
            await instance.EnsureCreatedAsync();
        })).ToList();
        start.SetResult();
        await Task.WhenAll(creating).WaitAsync(Guard);

        await instances[0].WriteAsync(new Dictionary<string, object> { ["k"] = new Note { Text = "shared" } });
        Assert.All(await Task.WhenAll(instances.Select(i => i.ReadAsync<Note>(["k"]))), read => Assert.Equal("shared", read["k"].Text));
    }

    [Fact]
    public async Task EveryOperation_ServerRefusesConnections_ThrowsStorageUnavailableNamingTheServer()
    {
        var port = ClosedLoopbackPort();
        var storage = Create(connectionString: $"Host=127.0.0.1;Port={port};Username=triagebot;Password=x;Database=triagebot");

        var failures = new List<StorageUnavailableException>
        {
            await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.ReadAsync(["k"]).WaitAsync(Guard)),
            await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteAsync(new Dictionary<string, object> { ["k"] = new Note() }).WaitAsync(Guard)),
            await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.DeleteAsync(["k"]).WaitAsync(Guard)),
            await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.PurgeExpiredAsync(_time.GetUtcNow()).WaitAsync(Guard)),
        };

        Assert.All(failures, ex =>
        {
            Assert.Contains($"127.0.0.1:{port}", ex.Message);
            Assert.DoesNotContain("Password", ex.Message, StringComparison.OrdinalIgnoreCase);
            Assert.IsAssignableFrom<NpgsqlException>(ex.InnerException);
        });
    }

    [Fact]
    public async Task ReadAsync_ServerAcceptsButNeverAnswers_ThrowsStorageUnavailableAfterTheConnectTimeout()
    {
        // A listener that accepts the connection and then says nothing: the case a timeout exists for.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var storage = Create(connectionString: $"Host=127.0.0.1;Port={port};Username=triagebot;Password=x;Database=triagebot;Pooling=false",
            connectTimeout: TimeSpan.FromSeconds(1));
        var elapsed = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.ReadAsync(["k"]).WaitAsync(Guard));

        Assert.Contains($"127.0.0.1:{port}", ex.Message);
        Assert.InRange(elapsed.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task ReadAsync_Cancelled_ThrowsOperationCanceledNotUnavailable()
    {
        var storage = Create();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => storage.ReadAsync(["k"], cancelled.Token));
    }

    [Fact]
    public async Task EveryOperation_KeyWithNulCharacter_ArgumentExceptionBeforeAnythingIsSent()
    {
        var storage = Create();
        const string key = "msteams/conversations/a:\0evil";

        Assert.Contains("NUL", (await Assert.ThrowsAsync<ArgumentException>(() => storage.ReadAsync([key]))).Message);
        await Assert.ThrowsAsync<ArgumentException>(() => storage.WriteAsync(new Dictionary<string, object> { ["fine"] = new Note(), [key] = new Note() }));
        await Assert.ThrowsAsync<ArgumentException>(() => storage.DeleteAsync([key]));
        Assert.Empty(await storage.ReadAsync(["fine"]));
    }

    [Fact]
    public async Task WriteAsync_NulCharacterInAValue_IsStoredAndReadBack()
    {
        var storage = Create();

        await storage.WriteAsync(new Dictionary<string, object> { ["k"] = new Note { Text = "before\0after" } });

        Assert.Equal("before\0after", (await storage.ReadAsync<Note>(["k"]))["k"].Text);
    }

    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private PostgresStorage Create(string? connectionString = null, TimeSpan? connectTimeout = null)
    {
        var storage = new PostgresStorage(Options.Create(new PostgresStorageOptions
        {
            ConnectionString = connectionString ?? fixture.Server.ConnectionString,
            TableName = _table,
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(5),
        }), _time);
        _instances.Add(storage);
        return storage;
    }
}
