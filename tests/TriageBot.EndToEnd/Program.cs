using TriageBot.EndToEnd.EchoBot;

namespace TriageBot.EndToEnd;

/// <summary>
/// Test runners never call this. <c>dotnet TriageBot.EndToEnd.dll --urls http://127.0.0.1:PORT</c> runs the echo
/// bot as a standalone process, which is how <see cref="Harness.BotProcess"/> is tested without depending on src/.
/// </summary>
public static class Program
{
    public static async Task Main(string[] args) => await EchoBotApp.Build(args).RunAsync();
}
