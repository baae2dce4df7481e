using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Protocol.Builder;
using TriageBot.Testing;

namespace TriageBot.Tests;

/// <summary>
/// The load benchmark's 3-turn path (bench/load/triagebot-path.txt, driven by bench/load/run.sh) really gets
/// the replies the benchmark checks for: the same texts and fragments, read from the same file, posted the way
/// the shared wrk driver posts them (expectReplies, msteams, a fresh conversation).
/// </summary>
public sealed class LoadPathTests(LoadPathTests.App app) : IClassFixture<LoadPathTests.App>
{
    public sealed class App : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Storage:Provider", "Memory");
            builder.UseSetting("MicrosoftAppId", "");
        }
    }

    [Fact]
    public void PathFile_HasThreeTurnsAndFragments_WithoutTheDriversSeparator()
    {
        var path = LoadPath.ReadValues();

        foreach (var key in new[] { "TURN1", "TURN2", "TURN3", "EXPECT1", "EXPECT2", "EXPECT3" })
        {
            Assert.True(path.TryGetValue(key, out var value) && value.Length > 0, $"{key} is missing in {LoadPath.File}");
            Assert.DoesNotContain("|", value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ThreeTurns_AsTheLoadDriverSendsThem_GetTheExpectedCards()
    {
        var path = LoadPath.ReadValues();
        var conversation = "wrk-smoke-" + Guid.NewGuid().ToString("N")[..8];
        var client = app.CreateClient();

        for (var turn = 1; turn <= 3; turn++)
        {
            var body = JsonSerializer.Serialize(new
            {
                type = "message",
                id = $"{conversation}-{turn}",
                timestamp = "2025-01-01T00:00:00.000Z",
                serviceUrl = "http://127.0.0.1:9/",
                channelId = "msteams",
                from = new { id = "user-" + conversation, name = "Load User" },
                conversation = new { id = conversation, conversationType = "personal", tenantId = "tenant-load" },
                recipient = new { id = "bot", name = "Helpdesk Bot" },
                locale = "en-US",
                textFormat = "plain",
                deliveryMode = "expectReplies",
                text = path[$"TURN{turn}"],
            });
            var response = await client.PostAsync("/api/messages", new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // The driver finds the conversation by this field and then looks for the fragment as plain text.
            Assert.Contains($"\"conversation\":{{\"id\":\"{conversation}\"", text, StringComparison.Ordinal);
            Assert.True(text.Contains(path[$"EXPECT{turn}"], StringComparison.Ordinal), $"turn {turn} lacks '{path[$"EXPECT{turn}"]}': {text}");
        }

        // The conversation now waits on the fix card's buttons. Its stored state keeps what the card is built
        // from, not the card (several KB that every later turn would read and write, and that the in-memory
        // store would hold for every conversation).
        var key = $"msteams/conversations/{conversation}";
        var stored = ((System.Text.Json.Nodes.JsonObject)(await app.Services.GetRequiredService<IStorage>().ReadAsync([key]))[key]).ToJsonString();
        Assert.DoesNotContain("AdaptiveCard", stored, StringComparison.Ordinal);
        Assert.True(stored.Length < 1500, $"conversation state is {stored.Length} chars: {stored}");
    }
}
