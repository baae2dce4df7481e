using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;
using TriageBot.Protocol.Tests.Builder;

namespace TriageBot.Storage.Tests;

/// <summary>Runs the storage contract against SQLite, one temporary database file (in a new folder) per test.</summary>
public sealed class SqliteStorageTests : StorageContractTests, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "triagebot-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    protected override IExpiringStorage CreateStorage() => Create();

    [Fact]
    public void Constructor_MissingParentFolder_CreatesFolderAndWalDatabase()
    {
        Create();

        using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar() as string);
    }

    [Fact]
    public async Task EveryOperation_DatabaseFolderGone_ThrowsStorageUnavailable_AndWorksAgainWhenItIsBack()
    {
        var storage = Create();
        await storage.WriteAsync(new Dictionary<string, object> { ["k"] = new Note { Text = "kept" } });
        var folder = Path.GetDirectoryName(DatabasePath)!;
        Directory.Move(folder, folder + "-away");
        SqliteConnection.ClearAllPools();

        var failures = new[]
        {
            await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.ReadAsync(["k"])),
            await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.WriteAsync(new Dictionary<string, object> { ["k"] = new Note() })),
            await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.DeleteAsync(["k"])),
            await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.PurgeExpiredAsync(_time.GetUtcNow())),
        };
        Directory.Move(folder + "-away", folder);

        Assert.All(failures, ex =>
        {
            Assert.Contains(DatabasePath, ex.Message);
            Assert.Equal(14, Assert.IsType<SqliteException>(ex.InnerException).SqliteErrorCode);
        });
        Assert.Equal("kept", (await storage.ReadAsync<Note>(["k"]))["k"].Text);
    }

    [Fact]
    public async Task ReadAsync_AfterEarlierReads_DatabaseFolderGone_ThrowsStorageUnavailable_NotTheOldFilesContent()
    {
        // Earlier reads leave a reading connection open; it must not go on reading the moved-away file.
        var storage = Create();
        await storage.WriteAsync(new Dictionary<string, object> { ["k"] = new Note { Text = "kept" } });
        Assert.Equal("kept", (await storage.ReadAsync<Note>(["k"]))["k"].Text);
        var folder = Path.GetDirectoryName(DatabasePath)!;
        Directory.Move(folder, folder + "-away");
        SqliteConnection.ClearAllPools();

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.ReadAsync(["k"]));
        Directory.Move(folder + "-away", folder);

        Assert.Equal(14, Assert.IsType<SqliteException>(failure.InnerException).SqliteErrorCode);
        Assert.Equal("kept", (await storage.ReadAsync<Note>(["k"]))["k"].Text);
    }

    [Fact]
    public async Task ReadAsync_SingleKeyAfterEarlierReads_SeesEveryLaterWrite()
    {
        var storage = Create();
        var seen = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            await storage.WriteAsync(new Dictionary<string, object> { ["k"] = new Note { Text = $"v{i}" } });
            seen.Add((await storage.ReadAsync<Note>(["k"]))["k"].Text);
        }

        await storage.DeleteAsync(["k"]);

        Assert.Equal(["v0", "v1", "v2"], seen);
        Assert.Empty(await storage.ReadAsync(["k"]));
    }

    [Fact]
    public async Task WriteAsync_ETagConflict_IsStillAConflictNotAnOutage()
    {
        var storage = Create();
        await storage.WriteAsync(new Dictionary<string, object> { ["k"] = new Note { Text = "first" } });

        await Assert.ThrowsAsync<StorageConcurrencyException>(() => storage.WriteAsync(new Dictionary<string, object> { ["k"] = new Note { Text = "stale", ETag = "not-the-current-one" } }));
    }

    [Fact]
    public async Task WriteAsync_SecondInstanceOnSameFile_SeesData()
    {
        await Create().WriteAsync(new Dictionary<string, object> { ["k"] = new Note { Text = "persisted" } });

        var read = await Create().ReadAsync<Note>(["k"]);

        Assert.Equal("persisted", read["k"].Text);
    }

    [Fact]
    public async Task PurgeExpiredAsync_ConversationStateWithExpiry_RemovesItAfterExpiry()
    {
        var storage = Create();
        var state = new ConversationState(storage, _time, TimeSpan.FromDays(7));
        var turn = new TurnContext(new NullAdapter(), new Activity { Type = "message", ChannelId = "msteams", Conversation = new ConversationAccount("c1") });
        await state.CreateProperty<string>("topic").SetAsync(turn, "vpn");
        await state.SaveChangesAsync(turn);

        var purgedEarly = await storage.PurgeExpiredAsync(_time.GetUtcNow().AddDays(6));
        var purgedLate = await storage.PurgeExpiredAsync(_time.GetUtcNow().AddDays(7));

        Assert.Equal((0, 1), (purgedEarly, purgedLate));
        Assert.Empty(await storage.ReadAsync(["msteams/conversations/c1"]));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private string DatabasePath => Path.Combine(_folder, "nested", "state.db");

    private SqliteStorage Create() => new(Options.Create(new SqliteStorageOptions { DatabasePath = DatabasePath }), _time);

    private sealed class NullAdapter : BotAdapter
    {
        public override Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken) =>
            Task.FromResult(activities.Select(_ => new ResourceResponse()).ToArray());

        public override Task<ResourceResponse> UpdateActivityAsync(ITurnContext turnContext, Activity activity, CancellationToken cancellationToken) =>
            Task.FromResult(new ResourceResponse());

        public override Task DeleteActivityAsync(ITurnContext turnContext, ConversationReference reference, CancellationToken cancellationToken) =>
            Task.CompletedTask;
    }
}
