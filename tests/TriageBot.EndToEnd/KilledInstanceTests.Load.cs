using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Npgsql;
using TriageBot.EndToEnd.Harness;
using TriageBot.Testing;

namespace TriageBot.EndToEnd;

/// <summary>
/// The same two instances on one PostgreSQL, under load: several users at once each run a whole conversation (the
/// benchmark's 3-turn triage from bench/load/triagebot-path.txt, then "talk to a human" and the hand-over form), every
/// turn sent to the next live instance in turn, as a load balancer does. In the middle of the run the instance holding
/// the outbox lease is killed with SIGKILL while turns are in flight; a turn that finds its instance gone is sent again,
/// with the same activity id, to the other one (a balancer's retry). Later the killed instance is started again and
/// takes its share. Afterwards every conversation must be consistent: each of its turns was answered in order (a turn
/// the dead instance had already saved is acknowledged without a second answer, and the next turn proves the state
/// moved on exactly once), its dialog is finished, it owns exactly one ticket, and every ticket reached the helpdesk
/// channel with nothing left in the outbox.
/// </summary>
public sealed partial class KilledInstanceTests
{
    private const int Users = 6;
    private const int Conversations = 48;
    private const int KillAfterTurns = 60;

    [Fact]
    public async Task LoadOverTwoInstances_OneKilledMidRunAndRestarted_EveryConversationConsistent_NoTicketLost()
    {
        var path = LoadPath.Read();
        var balancer = new Balancer([await StartBotAsync(), await StartBotAsync()]);
        var results = new ConcurrentBag<ConversationRun>();
        var next = -1;
        var turns = 0;
        var killed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var restarted = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        // Kills the lease holder once enough turns are done (users keep sending meanwhile), then starts it again.
        var chaos = Task.Run(async () =>
        {
            await WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref turns) >= KillAfterTurns), $"{KillAfterTurns} turns done");
            var holder = await LeaseOwnerAsync();
            var victim = balancer.Live.FirstOrDefault(b => b.ProcessId == holder) ?? balancer.Live[0];
            var pid = victim.ProcessId;
            output.WriteLine($"[test] killing process {pid} (lease holder: {holder?.ToString() ?? "none"}) after {Volatile.Read(ref turns)} turns");
            await victim.KillAsync();
            killed.SetResult(pid);
            var again = await StartBotAsync();
            balancer.Add(again);
            restarted.SetResult(again.ProcessId);
            output.WriteLine($"[test] started again as process {again.ProcessId} after {Volatile.Read(ref turns)} turns");
        });

        var users = Enumerable.Range(0, Users).Select(user => Task.Run(async () =>
        {
            for (var n = Interlocked.Increment(ref next); n < Conversations; n = Interlocked.Increment(ref next))
            {
                if (n >= Conversations - (2 * Users))
                {
                    await restarted.Task.WaitAsync(Limit); // the last conversations meet the restarted instance too
                }

                results.Add(await RunConversationAsync(balancer, $"a:load-{n:00}", path, () => Interlocked.Increment(ref turns)));
            }
        })).ToList();
        await Task.WhenAll(users);
        await chaos.WaitAsync(Limit);
        var victim = await killed.Task;
        var restartedPid = await restarted.Task;

        await WaitUntilAsync(async () => (await PendingDeliveriesAsync()).Count == 0, "the outbox empty");
        var tickets = await TicketsByConversationAsync();
        var delivered = Delivered();
        var runs = results.OrderBy(r => r.Conversation, StringComparer.Ordinal).ToList();
        Assert.Equal(Conversations, runs.Count);
        foreach (var run in runs)
        {
            // Each conversation's state: the dialog finished, the ticket its own and the only one.
            var state = (await ReadAsync($"msteams/conversations/{run.Conversation}"))!;
            Assert.Empty(state["state"]!["dialogState"]!["dialogStack"]!.AsArray());
            var own = tickets.GetValueOrDefault(run.Conversation) ?? [];
            Assert.True(own.Count == 1, $"{run.Conversation} owns {own.Count} tickets: {string.Join(", ", own)}");
            var ticket = (await ReadAsync($"escalation/tickets/{own[0]}"))!;
            Assert.Equal(run.SignInAddress, ticket["request"]!["form"]!["signInAddress"]!.GetValue<string>());
            if (run.TicketId is not null)
            {
                Assert.Equal(own[0], run.TicketId);
            }

            Assert.True(delivered.ContainsKey(own[0]), $"{own[0]} of {run.Conversation} never reached the helpdesk channel");
        }

        Assert.Equal(Conversations, tickets.Values.Sum(t => t.Count));
        Assert.Equal(tickets.Values.SelectMany(t => t).Order(), delivered.Keys.Order());

        // The kill happened with conversations in the middle, and they went on on the other instance.
        var continued = runs.Count(r => r.Instances.Contains(victim) && r.Instances.Any(p => p != victim));
        output.WriteLine($"[test] {Volatile.Read(ref turns)} turns; {balancer.Retries} sent again after the kill; {runs.Sum(r => r.Acknowledged)} acknowledged as already done; "
            + $"{continued} conversations went on after their instance was killed");
        Assert.True(continued > 0, "no conversation had turns on the killed instance and on another one");
        Assert.Contains(runs, r => r.Instances.Contains(restartedPid));
    }

    /// <summary>One user's whole conversation through the balancer; each turn's reply is checked as it comes.</summary>
    private async Task<ConversationRun> RunConversationAsync(Balancer balancer, string conversation, IReadOnlyList<(string Text, string Expect)> path, Action turnDone)
    {
        var run = new ConversationRun(conversation, $"{conversation.Replace(":", "-", StringComparison.Ordinal)}@contoso.com");
        foreach (var (text, expect) in path)
        {
            var replies = await SendAsync(balancer, run, Message(conversation, text));
            turnDone();
            if (replies.Length == 0)
            {
                continue; // the instance that died had saved this turn; the next turn shows the state moved on
            }

            Assert.Contains(replies, r => r.GetRawText().Contains(expect, StringComparison.Ordinal));
        }

        var form = await SendAsync(balancer, run, Message(conversation, "talk to a human"));
        turnDone();
        if (form.Length == 0)
        {
            // Saved by the dead instance, its form lost with it: the user asks again and gets the form again.
            form = await SendAsync(balancer, run, Message(conversation, "talk to a human"));
            turnDone();
        }

        var data = form.Select(a => FindSubmit(JsonNode.Parse(a.GetRawText()))).FirstOrDefault(d => d is not null)
            ?? throw new InvalidOperationException($"No form in {conversation}: {string.Join(", ", form.Select(f => f.GetRawText()))}");
        data["signInAddress"] = run.SignInAddress;
        data["clientApp"] = "Skype for Business 2016";
        var submit = Message(conversation, null);
        submit["value"] = data;
        var confirmation = await SendAsync(balancer, run, submit);
        turnDone();
        if (confirmation.Length > 0)
        {
            var text = confirmation.Single().GetProperty("text").GetString() ?? "";
            run.TicketId = TicketId().Match(text).Value;
            Assert.False(string.IsNullOrEmpty(run.TicketId), $"No ticket number in {conversation}: {text}");
        }

        return run;
    }

    /// <summary>
    /// Posts one activity to the next live instance; when that instance is gone (connection refused or cut), marks it
    /// dead and posts the same activity, same id, to the next. The replies, or none when the turn was done already.
    /// </summary>
    private async Task<JsonElement[]> SendAsync(Balancer balancer, ConversationRun run, JsonObject activity)
    {
        for (var attempt = 1; ; attempt++)
        {
            var bot = balancer.Next();
            HttpResponseMessage response;
            try
            {
                response = await _http.PostAsJsonAsync(bot.MessagesEndpoint, activity);
            }
            catch (HttpRequestException) when (attempt < 4)
            {
                // Only the killed instance may fail a request; it is gone within moments of the cut connection.
                for (var waited = 0; !bot.HasExited && waited < 50; waited++)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100));
                }

                if (!bot.HasExited)
                {
                    throw;
                }

                balancer.Remove(bot);
                continue;
            }

            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                lock (run.Instances)
                {
                    run.Instances.Add(bot.ProcessId);
                }

                var replies = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("activities").EnumerateArray().ToArray();
                Assert.All(replies, r => Assert.DoesNotContain("Sorry,", r.TryGetProperty("text", out var t) ? t.GetString() ?? "" : ""));
                if (replies.Length == 0)
                {
                    Assert.True(attempt > 1, $"{run.Conversation}: a first delivery got no reply");
                    run.Acknowledged++;
                }

                return replies;
            }
        }
    }

    /// <summary>A user's message activity in <paramref name="conversation"/> as Teams posts it, asking for expectReplies.</summary>
    private JsonObject Message(string conversation, string? text)
    {
        var activity = new JsonObject
        {
            ["type"] = "message",
            ["id"] = Guid.NewGuid().ToString("N"),
            ["channelId"] = "msteams",
            ["serviceUrl"] = _connector.ServiceUrl,
            ["from"] = new JsonObject { ["id"] = "29:" + conversation, ["name"] = "User " + conversation },
            ["recipient"] = new JsonObject { ["id"] = "28:triagebot", ["name"] = "TriageBot" },
            ["conversation"] = new JsonObject { ["id"] = conversation, ["conversationType"] = "personal", ["tenantId"] = "tenant-1" },
            ["locale"] = "en-US",
            ["deliveryMode"] = "expectReplies",
        };
        if (text is not null)
        {
            activity["text"] = text;
        }

        return activity;
    }

    /// <summary>The stored tickets' ids by the conversation that asked for them.</summary>
    private async Task<Dictionary<string, List<string>>> TicketsByConversationAsync()
    {
        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT key, json FROM \"{_table}\" WHERE key LIKE 'escalation/tickets/%'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var tickets = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            var ticket = JsonNode.Parse(reader.GetString(1))!;
            var conversation = ticket["request"]!["requester"]!["conversation"]!["conversation"]!["id"]!.GetValue<string>();
            if (!tickets.TryGetValue(conversation, out var ids))
            {
                tickets[conversation] = ids = [];
            }

            ids.Add(reader.GetString(0)["escalation/tickets/".Length..]);
        }

        return tickets;
    }

    /// <summary>Round robin over the live instances.</summary>
    private sealed class Balancer(List<BotProcess> live)
    {
        private int _next;
        private int _retries;

        public IReadOnlyList<BotProcess> Live
        {
            get
            {
                lock (live)
                {
                    return [.. live];
                }
            }
        }

        public int Retries => Volatile.Read(ref _retries);

        public BotProcess Next()
        {
            lock (live)
            {
                return live[_next++ % live.Count];
            }
        }

        public void Add(BotProcess bot)
        {
            lock (live)
            {
                live.Add(bot);
            }
        }

        public void Remove(BotProcess bot)
        {
            Interlocked.Increment(ref _retries);
            lock (live)
            {
                live.Remove(bot);
            }
        }
    }

    private sealed class ConversationRun(string conversation, string signInAddress)
    {
        public string Conversation { get; } = conversation;

        public string SignInAddress { get; } = signInAddress;

        public HashSet<int> Instances { get; } = [];

        public string? TicketId { get; set; }

        public int Acknowledged { get; set; }
    }
}
