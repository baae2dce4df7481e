using TriageBot.Core.Triage;

namespace TriageBot.Core.Tests.Triage;

/// <summary>dialogs/ files with mistakes stop start-up with the file and line.</summary>
public sealed class FlowLoaderTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "triagebot-dialogs-" + Guid.NewGuid().ToString("N"));

    public FlowLoaderTests()
    {
        Directory.CreateDirectory(_folder);
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Dialogs, "*.yaml"))
        {
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void Edit(string file, string from, string to)
    {
        var path = Path.Combine(_folder, file);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to));
    }

    private FlowException Fails() => Assert.Throws<FlowException>(() => FlowLoader.Load(_folder, SharedCatalog.Catalog));

    [Fact]
    public void Load_RealDialogs_LoadsEveryFlow()
    {
        var flows = FlowLoader.Load(RepositoryPaths.Dialogs, SharedCatalog.Catalog);

        Assert.Contains("server-is-temporarily-unavailable", flows.Flows.Keys);
        Assert.Equal("Yes", flows.Questions["adfs"].Answers.Single(a => a.Value == "yes").LabelFor("en-us"));
        Assert.Equal("是", flows.Questions["adfs"].Answers.Single(a => a.Value == "yes").LabelFor("zh-tw"));
        Assert.All(flows.Questions.Values, q => Assert.All(new[] { "en-us", "de-de", "zh-cn", "zh-tw" }, l => Assert.True(q.Ask.ContainsKey(l), $"{q.Id} lacks {l}")));
    }

    [Fact]
    public void Load_UnknownQuestionInFlow_NamesFileAndLine()
    {
        Edit("flows.yaml", "user-is-not-sip-enabled: [plan]", "user-is-not-sip-enabled: [plan, colour]");

        var ex = Fails();

        Assert.Equal("flows.yaml", ex.File);
        Assert.Contains("colour", ex.Reason);
        Assert.True(ex.Line > 10);
    }

    [Fact]
    public void Load_UnknownSymptom_IsAnError()
    {
        Edit("flows.yaml", "user-is-not-sip-enabled:", "user-is-not-sip-enabledd:");

        Assert.Contains("unknown symptom", Fails().Reason);
    }

    [Fact]
    public void Load_FallbackNotInTheDocuments_IsAnError()
    {
        Edit("flows.yaml", "fallback: collect-more-information", "fallback: ask-your-neighbour");

        Assert.Contains("not a procedure", Fails().Reason);
    }

    [Fact]
    public void Load_QuestionNoCauseDependsOn_IsAnError()
    {
        Edit("flows.yaml", "user-is-not-sip-enabled: [plan]", "user-is-not-sip-enabled: [plan, adfs]");

        Assert.Contains("lead nowhere", Fails().Reason);
    }

    [Fact]
    public void Load_UnknownCondition_IsAnError()
    {
        Edit("questions.yaml", "decides: adfs-sso", "decides: adfs-everywhere");

        Assert.Equal("questions.yaml", Fails().File);
    }

    [Fact]
    public void Load_BrokenYaml_NamesTheLine()
    {
        Edit("questions.yaml", "questions:", "questions: [unclosed");

        var ex = Fails();

        Assert.Equal("questions.yaml", ex.File);
        Assert.True(ex.Line > 0);
    }
}
