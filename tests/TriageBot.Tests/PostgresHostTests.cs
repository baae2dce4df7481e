using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using TriageBot.Protocol.Builder;
using TriageBot.Storage;

namespace TriageBot.Tests;

/// <summary>The app with <c>Storage:Provider=Postgres</c>: its start-up checks, and two instances sharing one database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresHostTests(PostgresFixture fixture) : IDisposable
{
    private readonly string _table = PostgresTestServer.NewTableName();

    [Fact]
    public void Start_PostgresWithoutConnectionString_FailsNamingTheKey()
    {
        using var app = new App(connectionString: "", _table);

        var ex = Assert.Throws<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains("Storage:ConnectionString is required", ex.Message);
    }

    [Fact]
    public async Task Conversation_NextTurnOnAnotherInstance_ContinuesFromTheSharedState()
    {
        using var first = new App(fixture.Server.ConnectionString, _table);
        using var second = new App(fixture.Server.ConnectionString, _table);
        Assert.IsType<PostgresStorage>(first.Services.GetRequiredService<IStorage>());

        var asked = await Post(first, "Skype for Business says: Server is temporarily unavailable");
        var next = await Post(second, "E");

        Assert.Contains("Which Office 365 plan", asked);
        Assert.Contains("sign in with its own (custom) domain", next);
        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{_table}\" WHERE key = 'msteams/conversations/conv-pg'", connection);
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    public void Dispose() => fixture.Server.DropTable(_table);

    private static async Task<string> Post(App app, string text)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/messages", new
        {
            type = "message",
            id = Guid.NewGuid().ToString("N"),
            text,
            channelId = "msteams",
            serviceUrl = "http://127.0.0.1:9/",
            from = new { id = "29:user", name = "Ada" },
            recipient = new { id = "28:bot", name = "TriageBot" },
            conversation = new { id = "conv-pg", conversationType = "personal" },
            deliveryMode = "expectReplies",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("activities").GetRawText();
    }

    private sealed class App(string connectionString, string table) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Storage:Provider", "Postgres");
            builder.UseSetting("Storage:ConnectionString", connectionString);
            builder.UseSetting("Storage:TableName", table);
            builder.UseSetting("MicrosoftAppId", "");
        }
    }
}
