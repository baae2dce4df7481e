using System.Diagnostics;
using System.Net;
using System.Text.Json;
using TriageBot.Tests.Integration.Support;
using TriageBot.Tests.Resilience.Support;

namespace TriageBot.Tests.Resilience;

/// <summary>
/// Outages of the real stores: a PostgreSQL server stopped and started again (a throwaway cluster of this test's
/// own, since stopping the shared one would disturb the other tests), and a SQLite database whose folder goes away
/// and comes back. /healthz follows the store, a turn in between is told to try again in a moment without waiting
/// out a timeout, and the conversation goes on from its saved state once the store is back, with nobody restarting
/// the bot.
/// </summary>
public sealed class RealStorageOutageTests
{
    private const string Paste = "Skype for Business says: Server is temporarily unavailable";
    private const string CustomDomainQuestion = "sign in with its own (custom) domain";
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Postgres_ServerStoppedAndStartedAgain_UnhealthyAndTryAgainMeanwhile_ThenContinuesByItself()
    {
        using var server = PostgresTestServer.Start(existingServer: null, PostgresTestServer.BinariesRoot);
        using var app = new InstanceApp("pg", new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = server.ConnectionString,
            ["Storage:TableName"] = PostgresTestServer.NewTableName(),
            ["Storage:ConnectTimeout"] = "00:00:03",
        });
        await ExerciseOutageAsync(app, stop: server.Stop, start: server.Restart);
    }

    [Fact]
    public async Task Sqlite_DatabaseFolderGoneAndBack_UnhealthyAndTryAgainMeanwhile_ThenContinuesByItself()
    {
        var root = Path.Combine(Path.GetTempPath(), "triagebot-outage-" + Guid.NewGuid().ToString("N")[..12]);
        var folder = Path.Combine(root, "data");
        var away = Path.Combine(root, "away");
        try
        {
            using var app = InstanceApp.Sqlite("sqlite", Path.Combine(folder, "triagebot.db"));
            await ExerciseOutageAsync(
                app,
                stop: () =>
                {
                    // The volume is gone: pooled connections would still hold the old file open, so they go too.
                    Directory.Move(folder, away);
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                },
                start: () => Directory.Move(away, folder));
        }
        finally
        {
            TemporaryFolder.Delete(root);
        }
    }

    private static async Task ExerciseOutageAsync(InstanceApp app, Action stop, Action start)
    {
        var client = app.CreateClient();
        var chat = new Chat("a:real-outage");
        await chat.SayAsync(app, Paste);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        stop();
        var clock = Stopwatch.StartNew();
        var unhealthy = await client.GetAsync("/healthz");
        var during = await chat.SayAsync(app, "E");
        clock.Stop();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unhealthy.StatusCode);
        Assert.Equal("The storage cannot be reached.", JsonDocument.Parse(await unhealthy.Content.ReadAsStringAsync()).RootElement.GetProperty("reason").GetString());
        Assert.Equal(TestActivities.TryAgainText, Assert.Single(during.Activities).GetProperty("text").GetString());
        Assert.True(clock.Elapsed < Prompt, $"the probe and the turn took {clock.Elapsed} during the outage");

        start();

        // Healthy at the first probe after the store is back, and the conversation is where it was.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Contains(CustomDomainQuestion, (await chat.SayAsync(app, "E")).Text);
    }
}
