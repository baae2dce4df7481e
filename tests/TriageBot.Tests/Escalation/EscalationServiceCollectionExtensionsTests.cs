using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Moq;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Connector;

namespace TriageBot.Tests.Escalation;

public class EscalationServiceCollectionExtensionsTests
{
    [Fact]
    public void AddEscalation_ChannelAndWebhookConfigured_DeliversToBoth()
    {
        using var services = Build(new()
        {
            ["Escalation:HelpdeskChannelId"] = "19:helpdesk@thread.tacv2",
            ["Escalation:WebhookUrl"] = "https://tickets.example.com/hook",
        });

        Assert.Equal(["requester", "channel", "thread", "webhook"], services.GetRequiredService<Outbox>().Channels);
        Assert.Equal(["requester", "channel", "thread", "webhook"], services.GetServices<IDeliveryChannel>().Select(c => c.Name));
        Assert.IsType<TriageBot.Cards.HelpdeskCards>(services.GetRequiredService<ITicketCardRenderer>());
        Assert.Contains(services.GetServices<IHostedService>(), s => s is OutboxDispatcher);
        Assert.NotNull(services.GetRequiredService<TicketStore>());
    }

    [Fact]
    public void AddEscalation_NothingConfigured_StoresTicketsAndTellsTheUserOnly()
    {
        using var services = Build(new() { ["Escalation:HelpdeskChannelId"] = "", ["Escalation:WebhookUrl"] = "" });

        Assert.Equal(["requester"], services.GetRequiredService<Outbox>().Channels);
        Assert.Equal(["requester"], services.GetServices<IDeliveryChannel>().Select(c => c.Name));
        Assert.Equal(TimeSpan.FromSeconds(2), services.GetRequiredService<IOptions<EscalationOptions>>().Value.DispatchInterval);
    }

    [Theory]
    [InlineData("Escalation:WebhookUrl", "not a url")]
    [InlineData("Escalation:HelpdeskServiceUrl", "ftp://example.com/")]
    [InlineData("Escalation:LeaseDuration", "00:00:01")]
    [InlineData("Escalation:HelpdeskLocale", "fr-fr")]
    public void AddEscalation_InvalidSetting_FailsValidation(string key, string value)
    {
        using var services = Build(new() { [key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<EscalationOptions>>().Value);

        Assert.Contains(key.Split(':')[1], ex.Message);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IStorage, MemoryStorage>()
            .AddSingleton(Mock.Of<IConnectorClient>())
            .AddSingleton(TriageBot.Dialogs.BotTexts.Load(TriageBot.Testing.RepositoryPaths.Dialogs))
            .AddEscalation(configuration);
        return services.BuildServiceProvider();
    }
}
