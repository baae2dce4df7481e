using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Integration;
using TriageBot.Tests.Integration.Support;

namespace TriageBot.Tests.Resilience.Support;

/// <summary>
/// One instance of the real app (Program, AddTriageBot, MapTriageBot) in memory, on the storage the settings name
/// (Memory, Sqlite, Postgres); <paramref name="wrapStorage"/> can put a decorator in front of it (one that fails on
/// demand, or holds writes back). Auth off, connector replaced by a recording fake, logs captured.
/// </summary>
internal sealed class InstanceApp(string name, IReadOnlyDictionary<string, string?> settings, Func<IStorage, IStorage>? wrapStorage = null)
    : WebApplicationFactory<Program>
{
    public string Name { get; } = name;

    public RecordingHttpHandler Connector { get; } = new(_ => RecordingHttpHandler.Created());

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>The storage as the app sees it (behind the decorator, if any).</summary>
    public IStorage Storage => Services.GetRequiredService<IStorage>();

    public static InstanceApp Postgres(string name, string connectionString, string table, Func<IStorage, IStorage>? wrap = null) =>
        new(name, new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres", ["Storage:ConnectionString"] = connectionString, ["Storage:TableName"] = table }, wrap);

    public static InstanceApp Sqlite(string name, string databasePath, Func<IStorage, IStorage>? wrap = null) =>
        new(name, new Dictionary<string, string?> { ["Storage:Provider"] = "Sqlite", ["Storage:DatabasePath"] = databasePath }, wrap);

    public static InstanceApp Memory(string name, Func<IStorage, IStorage>? wrap = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { ["Storage:Provider"] = "Memory" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return new(name, all, wrap);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("MicrosoftAppId", "");
        builder.UseSetting("BotFramework:Connector:BaseDelay", "00:00:00");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            services.AddHttpClient(BotFrameworkServiceCollectionExtensions.ConnectorHttpClientName).ConfigurePrimaryHttpMessageHandler(() => Connector);
            if (wrapStorage is null)
            {
                return;
            }

            // Whatever the provider registered (a type or a factory), the app's IStorage becomes the decorator over it.
            var original = services.Last(d => d.ServiceType == typeof(IStorage));
            services.Remove(original);
            services.AddSingleton(sp => wrapStorage(
                original.ImplementationInstance as IStorage
                ?? original.ImplementationFactory?.Invoke(sp) as IStorage
                ?? (IStorage)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!)));
        });
    }
}

/// <summary>Turns of one user in one personal chat, each with expectReplies (the replies come back in the response).</summary>
internal sealed class Chat(string conversationId, string locale = "en-US")
{
    public string ConversationId { get; } = conversationId;

    public string StateKey => $"msteams/conversations/{ConversationId}";

    public JsonObject Message(string? text, string? id = null, JsonNode? value = null)
    {
        var activity = TestActivities.Message(text ?? "", ConversationId, id: id ?? NewId(), expectReplies: true);
        activity["locale"] = locale;
        if (text is null)
        {
            activity.Remove("text");
        }

        if (value is not null)
        {
            activity["value"] = value;
        }

        return activity;
    }

    /// <summary>Posts <paramref name="activity"/> to <paramref name="app"/>; the response must be 200 and its replies are returned.</summary>
    public static async Task<Replies> PostAsync(InstanceApp app, JsonObject activity)
    {
        var response = await TestActivities.PostAsync(app.CreateClient(), activity);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{app.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return new Replies(await TestActivities.RepliesAsync(response));
    }

    public Task<Replies> SayAsync(InstanceApp app, string text, string? id = null) => PostAsync(app, Message(text, id));

    /// <summary>Submits the hand-over form of <paramref name="formReply"/> with a sign-in address and a note.</summary>
    public JsonObject FormSubmit(Replies formReply, string signInAddress, string anythingElse, string? id = null)
    {
        var data = formReply.SubmitData() ?? throw new InvalidOperationException($"No form in: {formReply}");
        data["signInAddress"] = signInAddress;
        data["clientApp"] = "Skype for Business 2016";
        data["anythingElse"] = anythingElse;
        return Message(null, id, data);
    }

    public static string NewId() => Guid.NewGuid().ToString("N");
}

/// <summary>The replies of one turn.</summary>
internal sealed class Replies(JsonElement[] activities)
{
    public JsonElement[] Activities { get; } = activities;

    /// <summary>Every reply's text and card JSON, for Contains checks.</summary>
    public string Text => string.Join("\n", Activities.Select(a => a.GetRawText()));

    /// <summary>The data of the first Action.Submit in the replies' cards.</summary>
    public JsonObject? SubmitData()
    {
        foreach (var activity in Activities)
        {
            if (!activity.TryGetProperty("attachments", out var attachments))
            {
                continue;
            }

            foreach (var attachment in attachments.EnumerateArray())
            {
                if (attachment.TryGetProperty("content", out var content) && Find(JsonNode.Parse(content.GetRawText())) is { } data)
                {
                    return data;
                }
            }
        }

        return null;
    }

    public override string ToString() => Text;

    private static JsonObject? Find(JsonNode? node) => node switch
    {
        JsonObject o when o["type"]?.GetValue<string>() == "Action.Submit" && o["data"] is JsonObject data => (JsonObject)data.DeepClone(),
        JsonObject o => o.Select(p => Find(p.Value)).FirstOrDefault(d => d is not null),
        JsonArray a => a.Select(Find).FirstOrDefault(d => d is not null),
        _ => null,
    };
}

/// <summary>Temporary folders of SQLite databases.</summary>
internal static class TemporaryFolder
{
    /// <summary>
    /// Deletes the folder after closing pooled SQLite connections. Best effort: a connection closing late may
    /// still drop its -wal/-shm file in, so a few tries, then the leftovers stay in the temp folder.
    /// </summary>
    public static void Delete(string folder)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        for (var attempt = 1; attempt <= 5 && Directory.Exists(folder); attempt++)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException) when (attempt < 5)
            {
            }
            catch (IOException)
            {
                // Left for the OS's temp clean-up.
            }
        }
    }
}
