using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;

namespace TriageBot.EndToEnd.Harness;

public sealed class PlaygroundOptions
{
    /// <summary>Bounds start-up after npm packages are in place: process launch, "Listening on", /_debug/ping, WebSockets.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Default bound for every wait (deliveries, bot activities).</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Fixed personal chat id (--conversation-id); a new GUID per start otherwise.</summary>
    public string? PersonalChatId { get; init; }

    /// <summary>Receives harness diagnostics and the Playground's output (e.g. ITestOutputHelper.WriteLine).</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>
/// Runs the Microsoft 365 Agents Playground (a local Teams emulator) headless against a bot and drives it over
/// HTTP. What the bot sends back is read from the Playground's log WebSocket, which carries every activity the
/// bot posted to the mocked connector together with the connector's answer.
/// </summary>
public sealed partial class PlaygroundHarness : IAsyncDisposable
{
    private const string LogStreamPath = "/_ws/log/stream";
    private const string ConversationStreamPath = "/_ws_conversation/v1/conversations/stream";
    private const int StartAttempts = 3;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ChildProcess _process;
    private readonly DirectoryInfo _workingDirectory;
    private readonly PlaygroundOptions _options;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stopping = new();
    private readonly EventLog<PlaygroundLogEntry> _log = new();
    private readonly EventLog<BotActivity> _botActivities = new();
    private readonly EventLog<ConversationEvent> _conversationEvents = new();
    private readonly List<(ClientWebSocket Socket, Task Pump)> _streams = [];
    private PlaygroundTestConfig? _config;
    private readonly Task<int> _listening;
    private int _disposed;

    private PlaygroundHarness(ChildProcess process, Task<int> listening, DirectoryInfo workingDirectory, int port, PlaygroundOptions options)
    {
        _process = process;
        _listening = listening;
        _workingDirectory = workingDirectory;
        _options = options;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        ServiceUrl = new Uri($"http://127.0.0.1:{port}/_connector");
        _http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>The serviceUrl the Playground puts on every activity (its mocked connector).</summary>
    public Uri ServiceUrl { get; }

    public int ProcessId => _process.Id;

    /// <summary>The Playground's working directory; its log is devTools/m365agentsplayground.log in here.</summary>
    public string WorkingDirectory => _workingDirectory.FullName;

    public PlaygroundTestConfig Config => _config ?? throw new InvalidOperationException("Not started.");

    /// <summary>A mention of the bot, for channel and group chat messages (prefix the text with <c>BotMention.Text</c>).</summary>
    public PlaygroundMention BotMention => new(Config.Bot.Id, $"<at>{Config.Bot.Name}</at>");

    public IReadOnlyList<PlaygroundLogEntry> LogEntries => _log.Snapshot();

    public IReadOnlyList<BotActivity> BotActivities => _botActivities.Snapshot();

    public IReadOnlyList<ConversationEvent> ConversationEvents => _conversationEvents.Snapshot();

    /// <summary>
    /// Installs the pinned npm packages if needed, starts the Playground on a free 127.0.0.1 port in a scratch
    /// directory, waits until it answers /_debug/ping and its streams are connected, and reads its test config.
    /// </summary>
    public static async Task<PlaygroundHarness> StartAsync(string botEndpointUrl, PlaygroundOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PlaygroundOptions();
        var endpoint = new Uri(botEndpointUrl, UriKind.Absolute);
        await E2ETools.EnsureInstalledAsync(options.Log, cancellationToken);

        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var harness = Launch(endpoint, options);
            try
            {
                await harness.ConnectAsync(options.StartupTimeout - clock.Elapsed, cancellationToken);
                options.Log?.Invoke($"[harness] Playground ready at {harness.BaseAddress} (pid {harness.ProcessId}) after {clock.ElapsedMilliseconds} ms");
                return harness;
            }
            catch (PortTakenException) when (attempt < StartAttempts)
            {
                // Someone bound the port between our probe and the Playground's; the Playground then silently picks
                // a random port, which no longer matches the --service-url we passed. Start over on another port.
                await harness.DisposeAsync();
            }
            catch
            {
                await harness.DisposeAsync();
                throw;
            }
        }
    }

    public Task<PlaygroundTestConfig> GetTestConfigAsync(CancellationToken cancellationToken = default) =>
        FetchTestConfigAsync(cancellationToken);

    /// <summary>Installs the app in the personal chat and waits until the bot has answered the
    /// installationUpdate and conversationUpdate; returns the personal chat's conversation id.</summary>
    public Task<string> InstallPersonalAsync(CancellationToken cancellationToken = default) =>
        InstallAsync(Config.PersonalChat.Id, cancellationToken);

    /// <summary>Installs the app in a team (the bot sees conversationType "channel", conversation id = the channel id,
    /// channelData.team). Defaults to the first team's General channel, whose id equals the team id.</summary>
    public Task<string> InstallInTeamAsync(string? channelId = null, CancellationToken cancellationToken = default) =>
        InstallAsync(channelId ?? Config.Teams[0].Channels[0].Id, cancellationToken);

    /// <summary>Installs the app in the first group chat.</summary>
    public Task<string> InstallInGroupChatAsync(CancellationToken cancellationToken = default) =>
        InstallAsync(Config.GroupChats[0].Id, cancellationToken);

    /// <summary>POST /_debug/conversation/{id}/installation, then waits for both deliveries; throws if the bot
    /// was unreachable or answered either with a non-2xx status.</summary>
    public async Task<string> InstallAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var mark = _log.Count;
        using (var response = await _http.PostAsJsonAsync($"_debug/conversation/{Uri.EscapeDataString(conversationId)}/installation", new { }, Json, cancellationToken))
        {
            await EnsureSuccessAsync(response, "install", cancellationToken);
        }

        foreach (var activityName in new[] { "installationUpdate", "conversationUpdate" })
        {
            var delivery = await WaitForDeliveryAsync(mark, e => e.ActivityName == activityName && e.ConversationId == conversationId, conversationId, $"{activityName} delivery", cancellationToken);
            if (delivery.StatusCode is not (>= 200 and < 300))
            {
                throw new InvalidOperationException($"The bot answered the {activityName} with {delivery.StatusCode}: {delivery}");
            }
        }

        return conversationId;
    }

    /// <summary>
    /// The user types <paramref name="text"/> (POST /_conversation/v1/conversations/{id}/messages). In a personal
    /// chat the Playground always forwards it; in a channel or group chat only when <paramref name="mentions"/>
    /// include the bot. A channel message starts a new thread: the returned ConversationId is then
    /// "{channelId};messageid={n}". Waits until the bot has answered the Playground's POST.
    /// </summary>
    public async Task<PlaygroundTurn> SendUserMessageAsync(string conversationId, string text, IReadOnlyList<PlaygroundMention>? mentions = null, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject
        {
            ["from"] = new JsonObject { ["id"] = Config.CurrentUser.Id },
            ["text"] = text,
            ["textFormat"] = "plain",
        };
        if (mentions is { Count: > 0 })
        {
            body["mentions"] = new JsonArray([.. mentions.Select(m => (JsonNode)new JsonObject
            {
                ["mentioned"] = new JsonObject { ["id"] = m.Id },
                ["text"] = m.Text,
            })]);
        }

        var mark = _log.Count;
        using var response = await _http.PostAsJsonAsync($"_conversation/v1/conversations/{Uri.EscapeDataString(conversationId)}/messages", body, Json, cancellationToken);
        await EnsureSuccessAsync(response, "send message", cancellationToken);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken);
        var target = created.Str("postConversationId") ?? conversationId;
        var messageId = created.Find("messageId")?.ToString();

        var forwarded = conversationId == Config.PersonalChat.Id || (mentions?.Any(m => m.Id == Config.Bot.Id) ?? false);
        if (!forwarded)
        {
            return new PlaygroundTurn(target, messageId, null);
        }

        var delivery = await WaitForDeliveryAsync(
            mark,
            e => e.ActivityName == "message" && e.ConversationId == target && e.Request?.Str("text") == text,
            target,
            $"delivery of message '{text}'",
            cancellationToken);
        return new PlaygroundTurn(target, messageId, delivery);
    }

    /// <summary>
    /// The user presses an Action.Submit on the card message <paramref name="replyToId"/> (the id the connector
    /// returned for it, <see cref="BotActivity.Id"/>). <paramref name="value"/> is sent as-is: merge the action's
    /// data and the inputs yourself, as Teams does. Waits until the bot has answered.
    /// </summary>
    public async Task<PlaygroundTurn> SubmitCardAsync(string conversationId, string replyToId, object value, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject
        {
            ["conversation"] = new JsonObject { ["id"] = conversationId },
            ["from"] = new JsonObject { ["id"] = Config.CurrentUser.Id },
            ["replyToId"] = replyToId,
            ["value"] = JsonSerializer.SerializeToNode(value, Json),
        };
        var mark = _log.Count;
        using (var response = await _http.PostAsJsonAsync("_conversation/v1/submit", body, Json, cancellationToken))
        {
            await EnsureSuccessAsync(response, "submit", cancellationToken);
        }

        var delivery = await WaitForDeliveryAsync(
            mark,
            e => e.ActivityName == "message" && e.ConversationId == conversationId && e.Request?.Str("replyToId") == replyToId && e.Request?.Find("value") is not null,
            conversationId,
            $"delivery of the submit on {replyToId}",
            cancellationToken);
        return new PlaygroundTurn(conversationId, null, delivery);
    }

    /// <summary>
    /// Sends an invoke through POST /_conversation/v1/invoke (synchronous). The Playground accepts only
    /// adaptiveCard/action (needs <paramref name="replyToId"/> = an existing message id), message/submitAction and
    /// composeExtension/query|queryLink|anonymousQueryLink|fetchTask|submitAction; anything else is a 400.
    /// </summary>
    public async Task<InvokeResult> InvokeAsync(string name, object? value, string conversationId, string? replyToId = null, CancellationToken cancellationToken = default) =>
        await InvokeAsync(name, value, conversationId, replyToId, fromId: null, cancellationToken);

    /// <summary>As <see cref="InvokeAsync(string, object?, string, string?, CancellationToken)"/>, sent by user
    /// <paramref name="fromId"/> (a member of the conversation; the current user when null).</summary>
    public async Task<InvokeResult> InvokeAsync(string name, object? value, string conversationId, string? replyToId, string? fromId, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["value"] = JsonSerializer.SerializeToNode(value ?? new { }, Json),
            ["from"] = new JsonObject { ["id"] = fromId ?? Config.CurrentUser.Id },
            ["conversation"] = new JsonObject { ["id"] = conversationId },
        };
        if (replyToId is not null)
        {
            body["replyToId"] = replyToId;
        }

        var mark = _log.Count;
        using var response = await _http.PostAsJsonAsync("_conversation/v1/invoke", body, Json, cancellationToken);
        var raw = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonElement? parsed = null;
        try
        {
            parsed = raw.Length == 0 ? null : JsonDocument.Parse(raw).RootElement.Clone();
        }
        catch (JsonException)
        {
        }

        var status = (int)response.StatusCode;
        PlaygroundLogEntry? exchange = null;
        if (status is 200 or 502)
        {
            // The bot was called (or could not be reached): the log stream has the exchange or a warning.
            var entry = await WaitForDeliveryAsync(
                mark,
                e => e.ActivityName == "invoke" && e.ConversationId == conversationId && e.Request?.Str("name") == name,
                conversationId,
                $"log of the {name} invoke",
                cancellationToken,
                throwOnWarning: false);
            exchange = entry.Direction == PlaygroundLogDirection.ToBot ? entry : null;
        }

        return new InvokeResult(status, parsed, raw, exchange);
    }

    /// <summary>Posts any activity to the bot as-is (POST /_internal/v1/customActivities), e.g. an
    /// installationUpdate with action "remove". Start from <see cref="GetCustomActivityTemplateAsync"/>.</summary>
    public async Task SendCustomActivityAsync(JsonObject activity, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync("_internal/v1/customActivities", activity, Json, cancellationToken);
        await EnsureSuccessAsync(response, "custom activity", cancellationToken);
    }

    /// <summary>The Playground's activity skeleton for a conversation (id, serviceUrl, from, recipient, conversation).</summary>
    public async Task<JsonObject> GetCustomActivityTemplateAsync(string conversationId, CancellationToken cancellationToken = default) =>
        (JsonObject)(await _http.GetFromJsonAsync<JsonNode>($"_internal/v1/customActivities/template?conversationId={Uri.EscapeDataString(conversationId)}", Json, cancellationToken))!;

    /// <summary>Waits for an activity the bot sent to the mocked connector (any since start) that matches.</summary>
    public async Task<BotActivity> WaitForBotActivityAsync(Func<BotActivity, bool> predicate, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var found = await _botActivities.WaitForAsync(predicate, 0, timeout ?? _options.DefaultTimeout, cancellationToken);
        return found ?? throw new TimeoutException($"No matching bot activity within {timeout ?? _options.DefaultTimeout}.{Environment.NewLine}{Diagnostics()}");
    }

    /// <summary>Waits for a chat-view event (createMessage, updateMessage, typing) that matches.</summary>
    public async Task<ConversationEvent> WaitForConversationEventAsync(Func<ConversationEvent, bool> predicate, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var found = await _conversationEvents.WaitForAsync(predicate, 0, timeout ?? _options.DefaultTimeout, cancellationToken);
        return found ?? throw new TimeoutException($"No matching conversation event within {timeout ?? _options.DefaultTimeout}.{Environment.NewLine}{Diagnostics()}");
    }

    /// <summary>Waits for any log stream entry that matches.</summary>
    public async Task<PlaygroundLogEntry> WaitForLogEntryAsync(Func<PlaygroundLogEntry, bool> predicate, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var found = await _log.WaitForAsync(predicate, 0, timeout ?? _options.DefaultTimeout, cancellationToken);
        return found ?? throw new TimeoutException($"No matching log entry within {timeout ?? _options.DefaultTimeout}.{Environment.NewLine}{Diagnostics()}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        foreach (var (socket, pump) in _streams)
        {
            socket.Abort();
            await pump;
            socket.Dispose();
        }

        await _process.DisposeAsync();
        _http.Dispose();
        _stopping.Dispose();
        try
        {
            _workingDirectory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static PlaygroundHarness Launch(Uri botEndpoint, PlaygroundOptions options)
    {
        var port = FreePort.Next();
        var workingDirectory = Directory.CreateTempSubdirectory("triagebot-playground-");
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        string[] arguments =
        [
            "--require", E2ETools.LoopbackPreload,
            E2ETools.PlaygroundCli, "start",
            "--app-endpoint", botEndpoint.ToString(),
            "--channel-id", "msteams",
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--service-url", $"http://127.0.0.1:{port}/_connector",
            "--disable-telemetry",
            .. options.PersonalChatId is { } chatId ? new[] { "--conversation-id", chatId } : [],
        ];
        var environment = new Dictionary<string, string?>
        {
            ["TEAMSAPPTESTER_BROWSER"] = "none",
            ["NO_PROXY"] = "127.0.0.1,localhost",
            ["no_proxy"] = "127.0.0.1,localhost",
            ["BOT_ENDPOINT"] = null,
            ["TEAMSAPPTESTER_PORT"] = null,
            ["M365_AGENTS_PLAYGROUND_SERVICE_URL"] = null,
            ["M365_AGENTS_PLAYGROUND_TARGET_SDK"] = null,
            ["M365_AGENTS_PLAYGROUND_DELIVERY_MODE"] = null,
            ["M365_AGENTS_PLAYGROUND_LOGFILE"] = null,
            ["TEAMSAPPTESTER_LOGFILE"] = null,
            ["M365_AGENTS_PLAYGROUND_CONFIG_PATH"] = null,
        };
        options.Log?.Invoke($"[harness] starting Playground on 127.0.0.1:{port} for {botEndpoint} in {workingDirectory.FullName}");
        var process = ChildProcess.Start(
            "node",
            arguments,
            workingDirectory.FullName,
            environment,
            "playground",
            line =>
            {
                if (ListeningLine().Match(line) is { Success: true } match)
                {
                    listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                }

                options.Log?.Invoke(line);
            });
        return new PlaygroundHarness(process, listening.Task, workingDirectory, port, options);
    }

    private async Task ConnectAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new TimeoutException("Playground start-up timed out.");
        }

        using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startup.CancelAfter(timeout);
        try
        {
            var first = await Task.WhenAny(_listening, _process.Exited).WaitAsync(startup.Token);
            if (first != _listening)
            {
                throw new InvalidOperationException($"The Playground exited during start-up.{Environment.NewLine}{Diagnostics()}");
            }

            var actualPort = await _listening;
            if (actualPort != Port)
            {
                throw new PortTakenException();
            }

            await WaitForPingAsync(startup.Token);
            await OpenStreamAsync(LogStreamPath, OnLogMessage, startup.Token);
            await OpenStreamAsync(ConversationStreamPath, OnConversationMessage, startup.Token);
            _config = await FetchTestConfigAsync(startup.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The Playground was not ready within {timeout}.{Environment.NewLine}{Diagnostics()}");
        }
    }

    private async Task WaitForPingAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The Playground exited during start-up.{Environment.NewLine}{Diagnostics()}");
            }

            try
            {
                using var response = await _http.GetAsync("_debug/ping", cancellationToken);
                if (response.IsSuccessStatusCode && await response.Content.ReadAsStringAsync(cancellationToken) == "pong")
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    private async Task OpenStreamAsync(string path, Action<JsonElement> onMessage, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{Port}{path}"), cancellationToken);
        _streams.Add((socket, Task.Run(() => PumpAsync(socket, path, onMessage))));
    }

    private async Task PumpAsync(ClientWebSocket socket, string path, Action<JsonElement> onMessage)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        string reason;
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), _stopping.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    reason = $"the Playground closed {path}";
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                using (var document = JsonDocument.Parse(message.ToArray()))
                {
                    onMessage(document.RootElement);
                }

                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            reason = _stopping.IsCancellationRequested ? "the harness was disposed" : $"{path} failed: {ex.Message}";
        }
        catch (JsonException ex)
        {
            reason = $"unparsable message on {path}: {ex.Message}";
        }

        if (_process.HasExited)
        {
            reason += " (the Playground process has exited)";
        }

        _log.Close(reason);
        _botActivities.Close(reason);
        _conversationEvents.Close(reason);
    }

    private void OnLogMessage(JsonElement message)
    {
        if (message.Str("logAction") != "appendLog" || message.Find("log") is not { } log)
        {
            return;
        }

        var copy = log.Clone();
        PlaygroundLogEntry? added = null;
        _log.Add(sequence => added = PlaygroundLogEntry.Parse(sequence, copy));
        if (BotActivity.From(added!) is { } activity)
        {
            _botActivities.Add(_ => activity);
        }
    }

    private void OnConversationMessage(JsonElement message)
    {
        var copy = message.Clone();
        _conversationEvents.Add(sequence => new ConversationEvent(sequence, copy.Str("action") ?? "", copy.Str("actionConversationId"), copy.Find("message")));
    }

    private async Task<PlaygroundTestConfig> FetchTestConfigAsync(CancellationToken cancellationToken)
    {
        // Not /_internal/v1/config: that one first waits (up to 15 s) for the bot endpoint to answer.
        var response = await _http.GetFromJsonAsync<JsonElement>("_internal/v1/testConfig", Json, cancellationToken);
        return response.GetProperty("config").Deserialize<PlaygroundTestConfig>(Json)
            ?? throw new InvalidOperationException("Empty test config.");
    }

    /// <summary>Waits for the Playground's log of a delivery to the bot. The Playground answers its own HTTP
    /// requests before it calls the bot, so this is where an unreachable bot shows up (as a warning note).</summary>
    private async Task<PlaygroundLogEntry> WaitForDeliveryAsync(
        int mark,
        Func<PlaygroundLogEntry, bool> isDelivery,
        string conversationId,
        string what,
        CancellationToken cancellationToken,
        bool throwOnWarning = true)
    {
        var entry = await _log.WaitForAsync(
            e => (e.Direction == PlaygroundLogDirection.ToBot && isDelivery(e))
                || (e.Direction == PlaygroundLogDirection.Note && e.Level == "warning" && e.ConversationId == conversationId),
            mark,
            _options.DefaultTimeout,
            cancellationToken);
        if (entry is null)
        {
            throw new TimeoutException($"No {what} within {_options.DefaultTimeout}.{Environment.NewLine}{Diagnostics()}");
        }

        if (entry.Direction == PlaygroundLogDirection.Note && throwOnWarning)
        {
            throw new InvalidOperationException($"The Playground reported '{entry.DisplayText}' instead of the {what}.{Environment.NewLine}{Diagnostics()}");
        }

        return entry;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"Playground {what} failed: {(int)response.StatusCode} {body}");
        }
    }

    private string Diagnostics()
    {
        var text = new StringBuilder();
        text.AppendLine(_process.HasExited ? "Playground process: exited." : $"Playground process: running (pid {_process.Id}).");
        text.AppendLine("Log stream (last 30):");
        foreach (var entry in _log.Snapshot().TakeLast(30))
        {
            var line = entry.ToString();
            text.Append("  ").AppendLine(line.Length > 600 ? line[..600] + "..." : line);
        }

        text.AppendLine("Playground output (tail):");
        text.AppendLine(_process.OutputTail);
        var logFile = Path.Combine(_workingDirectory.FullName, "devTools", "m365agentsplayground.log");
        if (File.Exists(logFile))
        {
            var lines = File.ReadLines(logFile).TakeLast(20).Select(l => l.Length > 600 ? l[..600] + "..." : l);
            text.AppendLine("devTools/m365agentsplayground.log (tail):").AppendJoin(Environment.NewLine, lines);
        }

        return text.ToString();
    }

    [GeneratedRegex(@"Listening on (\d+)")]
    private static partial Regex ListeningLine();

    private sealed class PortTakenException : Exception;
}
