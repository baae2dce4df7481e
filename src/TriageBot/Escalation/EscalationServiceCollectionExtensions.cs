using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TriageBot.Protocol.Builder;

namespace TriageBot.Escalation;

public static class EscalationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the tickets (<see cref="TicketStore"/>), the outbox and its dispatcher, and a delivery per
    /// configured destination: the helpdesk channel when <c>Escalation:HelpdeskChannelId</c> is set, the
    /// webhook when <c>Escalation:WebhookUrl</c> is set. Needs an <see cref="IStorage"/> and, for the
    /// channel, the connector (<c>AddBotFramework</c>).
    /// </summary>
    public static IServiceCollection AddEscalation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Escalation");
        services.AddOptions<EscalationOptions>().Bind(section)
            .Validate(o => IsEmptyOrHttpUrl(o.HelpdeskServiceUrl), "Escalation:HelpdeskServiceUrl must be an absolute http(s) URL.")
            .Validate(o => IsEmptyOrHttpUrl(o.WebhookUrl), "Escalation:WebhookUrl must be an absolute http(s) URL.")
            .Validate(o => o.DispatchInterval > TimeSpan.Zero && o.RetryBaseDelay > TimeSpan.Zero && o.RetryMaxDelay >= o.RetryBaseDelay,
                "Escalation:DispatchInterval and RetryBaseDelay must be positive, RetryMaxDelay at least RetryBaseDelay.")
            .Validate(o => Dialogs.BotTexts.Languages.Contains(o.HelpdeskLocale), "Escalation:HelpdeskLocale must be one of en-us, de-de, zh-cn, zh-tw.")
            .Validate(o => o.AgentCheckCacheDuration >= TimeSpan.Zero, "Escalation:AgentCheckCacheDuration must not be negative.")
            .Validate(o => o.LeaseDuration > 2 * o.DispatchInterval, "Escalation:LeaseDuration must be more than twice the DispatchInterval, or the lease lapses between rounds.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        // Which destinations exist is decided here, from the configuration the host starts with: each new
        // ticket gets one outbox item per destination.
        // The user hears of every change in their chat; the helpdesk thread of the user's answers.
        var channels = new List<string> { Outbox.RequesterChannel };
        services.AddSingleton<IDeliveryChannel, RequesterDelivery>();
        if (!string.IsNullOrWhiteSpace(section[nameof(EscalationOptions.HelpdeskChannelId)]))
        {
            channels.Add(ChannelCardDelivery.ChannelName);
            channels.Add(Outbox.ThreadChannel);
            services.AddSingleton<IDeliveryChannel, ChannelCardDelivery>();
            services.AddSingleton<IDeliveryChannel, ThreadDelivery>();
        }

        if (!string.IsNullOrWhiteSpace(section[nameof(EscalationOptions.WebhookUrl)]))
        {
            channels.Add(WebhookDelivery.ChannelName);
            services.AddHttpClient(WebhookDelivery.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(15) })
                .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
            services.AddSingleton<IDeliveryChannel>(sp => new WebhookDelivery(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookDelivery.HttpClientName),
                sp.GetRequiredService<IOptions<EscalationOptions>>()));
        }

        services.AddSingleton(sp => new Outbox(sp.GetRequiredService<IStorage>(), channels));
        services.AddSingleton<TicketStore>();
        services.AddSingleton<HelpdeskAgents>();
        services.AddSingleton<TicketActions>();
        services.TryAddSingleton<Cards.HelpdeskCards>();
        services.TryAddSingleton<ITicketCardRenderer>(sp => sp.GetRequiredService<Cards.HelpdeskCards>());
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return services;
    }

    private static bool IsEmptyOrHttpUrl(string? value) =>
        string.IsNullOrWhiteSpace(value)
        || (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp));
}
