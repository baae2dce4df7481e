using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using TriageBot.Protocol.Builder;
using TriageBot.Tests.Integration.Support;

namespace TriageBot.Tests.Integration;

/// <summary>
/// A turn that throws, through the real app and its OnTurnError. The app's own bot is wrapped by
/// <see cref="PoisonBot"/>, which models the failure that can trap a conversation: bad conversation
/// state that makes every turn throw until something clears it.
/// </summary>
public sealed class TurnErrorTests : AppTestBase<TurnErrorTests.App>
{
    private const string PoisonText = "please break this conversation";
    private const string SecretDetail = "secret-internal-detail 5f3a";
    private const string DocumentedError = "Skype says: Server is temporarily unavailable";

    public TurnErrorTests(App app)
        : base(app)
    {
        _app.Storage.FailNextDelete = false;
    }

    public sealed class App : TriageBotAppFactory
    {
        internal FlakyStorage Storage { get; } = new();

        protected override void ConfigureTestServices(IServiceCollection services)
        {
            services.Replace(ServiceDescriptor.Singleton<IStorage>(Storage));

            // Wrap whatever IBot the app registered, however it registered it.
            var appBot = services.Last(d => d.ServiceType == typeof(IBot));
            services.Remove(appBot);
            services.AddSingleton<IBot>(sp => new PoisonBot(CreateAppBot(sp, appBot), sp.GetRequiredService<ConversationState>()));
        }

        private static IBot CreateAppBot(IServiceProvider sp, ServiceDescriptor descriptor) =>
            descriptor.ImplementationInstance as IBot
            ?? descriptor.ImplementationFactory?.Invoke(sp) as IBot
            ?? (IBot)ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!);
    }

    [Fact]
    public async Task Message_TurnThrows_UserGetsApologyWithoutStackTrace()
    {
        var response = await TestActivities.PostAsync(_client, TestActivities.Message(PoisonText, "a:apology", expectReplies: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var reply = Assert.Single(await TestActivities.RepliesAsync(response));
        Assert.Equal(TestActivities.ApologyText, reply.GetProperty("text").GetString());
        Assert.Equal("1700000000123", reply.GetProperty("replyToId").GetString());
        Assert.DoesNotContain(SecretDetail, body);
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotContain(nameof(InvalidOperationException), body);
    }

    [Fact]
    public async Task Message_TurnThrows_ErrorIsLoggedWithConversationId()
    {
        await TestActivities.PostAsync(_client, TestActivities.Message(PoisonText, "a:logged", expectReplies: true));

        var entry = Assert.Single(_app.Logs.Entries, e => e.Level == LogLevel.Error && e.IsAboutConversation("a:logged"));
        Assert.Contains("a:logged", entry.Message);
        Assert.Equal(SecretDetail, entry.Exception?.Message);
    }

    [Fact]
    public async Task Message_AfterTurnError_NextMessageInSameConversationGetsNormalReply()
    {
        await TestActivities.PostAsync(_client, TestActivities.Message(PoisonText, "a:recovers", id: "1", expectReplies: true));

        var response = await TestActivities.PostAsync(_client, TestActivities.Message(DocumentedError, "a:recovers", id: "2", expectReplies: true));

        // PoisonBot would throw again had the failed turn's state survived.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replies = await TestActivities.RepliesAsync(response);
        Assert.NotEmpty(replies);
        Assert.All(replies, reply => TestActivities.AssertNormalReply(reply, "2"));
        var stored = await _app.Storage.ReadAsync(["msteams/conversations/a:recovers"]);
        Assert.Null((stored.Values.SingleOrDefault() as JsonObject)?["state"]?["poison"]);
    }

    [Fact]
    public async Task Message_TurnThrowsWithoutExpectReplies_ApologyIsPostedAsReply()
    {
        var response = await TestActivities.PostAsync(_client, TestActivities.Message(PoisonText, "a:posted", id: "1700000000999"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
        var call = Assert.Single(_app.Connector.Requests);
        Assert.Equal("/emea/v3/conversations/a%3Aposted/activities/1700000000999", call.Uri.AbsolutePath);
        Assert.Equal(TestActivities.ApologyText, JsonDocument.Parse(call.Body!).RootElement.GetProperty("text").GetString());
        Assert.DoesNotContain(SecretDetail, call.Body);
    }

    [Fact]
    public async Task Message_TurnThrowsAndStateCleanupFails_StillApologisesAndLogsWarning()
    {
        _app.Storage.FailNextDelete = true;

        var response = await TestActivities.PostAsync(_client, TestActivities.Message(PoisonText, "a:cleanup-fails", expectReplies: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single(await TestActivities.RepliesAsync(response));
        Assert.Equal(TestActivities.ApologyText, reply.GetProperty("text").GetString());
        Assert.Contains(_app.Logs.Entries, e => e.Level == LogLevel.Warning && e.IsAboutConversation("a:cleanup-fails") && e.Exception is IOException);
    }

    /// <summary>
    /// Writes a poison value into conversation state and throws on <see cref="PoisonText"/>; afterwards
    /// throws on every turn of that conversation while the poison is still in its state.
    /// </summary>
    private sealed class PoisonBot(IBot appBot, ConversationState conversationState) : IBot
    {
        private readonly IStatePropertyAccessor<string> _poison = conversationState.CreateProperty<string>("poison");

        public async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
        {
            if (turnContext.Activity.Text == PoisonText)
            {
                await _poison.SetAsync(turnContext, "bad", cancellationToken);
                await conversationState.SaveChangesAsync(turnContext, false, cancellationToken);
                throw new InvalidOperationException(SecretDetail);
            }

            if (await _poison.GetAsync(turnContext, null, cancellationToken) is not null)
            {
                throw new InvalidOperationException(SecretDetail + " (state still poisoned)");
            }

            await appBot.OnTurnAsync(turnContext, cancellationToken);
        }
    }

    /// <summary>In-memory storage whose next delete can be made to fail, as a database outage would.</summary>
    internal sealed class FlakyStorage : IStorage
    {
        private readonly MemoryStorage _inner = new();

        public volatile bool FailNextDelete;

        public Task<IDictionary<string, object>> ReadAsync(string[] keys, CancellationToken cancellationToken = default) =>
            _inner.ReadAsync(keys, cancellationToken);

        public Task WriteAsync(IDictionary<string, object> changes, CancellationToken cancellationToken = default) =>
            _inner.WriteAsync(changes, cancellationToken);

        public Task DeleteAsync(string[] keys, CancellationToken cancellationToken = default)
        {
            if (FailNextDelete)
            {
                FailNextDelete = false;
                throw new IOException("storage unavailable");
            }

            return _inner.DeleteAsync(keys, cancellationToken);
        }
    }
}
