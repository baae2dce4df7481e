namespace TriageBot.Tests.Integration.Support;

/// <summary>
/// A test class on the real app shared by its tests (<typeparamref name="TApp"/>, one per class): each test starts
/// with the app's fakes and captured log cleared, and a client of its own.
/// </summary>
public abstract class AppTestBase<TApp> : IClassFixture<TApp>
    where TApp : TriageBotAppFactory
{
    protected AppTestBase(TApp app)
    {
        _app = app;
        _app.ResetFakes();
        _client = app.CreateClient();
    }

    // Protected fields, as the test classes had them.
    private protected readonly TApp _app;
    private protected readonly HttpClient _client;
}
