using TriageBot.Core.Knowledge;
using TriageBot.Core.Triage;

namespace TriageBot.Core.Tests.Triage;

public sealed class TriagePlannerTests
{
    private static readonly Lazy<TriagePlanner> LazyPlanner = new(() => new TriagePlanner(SharedCatalog.Catalog, FlowLoader.Load(RepositoryPaths.Dialogs, SharedCatalog.Catalog)));

    private static TriagePlanner Planner => LazyPlanner.Value;

    private static Symptom Symptom(string id) => SharedCatalog.Catalog[id];

    private static Dictionary<string, string> Answers(params (string Question, string Value)[] answers) =>
        answers.ToDictionary(a => a.Question, a => a.Value);

    [Fact]
    public void Plan_ServerUnavailable_AsksThePlanFirst()
    {
        var plan = Planner.Plan(Symptom("server-is-temporarily-unavailable"), Answers());

        Assert.Equal("plan", plan.Next?.Id);
    }

    [Fact]
    public void Plan_PlanP_RulesOutEnterpriseCausesAndSkipsTheirQuestions()
    {
        var plan = Planner.Plan(Symptom("server-is-temporarily-unavailable"), Answers(("plan", "no")));

        // Only the KB's AutoDiscover cause is left, so custom domain and AD FS no longer matter.
        Assert.Null(plan.Next);
        var cause = Assert.Single(plan.Causes);
        Assert.Contains("No DNS record", cause.Text.English.Plain);
    }

    [Fact]
    public void Plan_CustomDomainYes_PutsTheDnsFixFirstAndStillAsksAboutAdfs()
    {
        var symptom = Symptom("server-is-temporarily-unavailable");

        var afterDomain = Planner.Plan(symptom, Answers(("plan", "yes"), ("custom-domain", "yes")));
        Assert.Equal("adfs", afterDomain.Next?.Id);

        var final = Planner.Plan(symptom, Answers(("plan", "yes"), ("custom-domain", "yes"), ("adfs", "no"), ("scope", "one")));
        Assert.Null(final.Next);
        Assert.Equal("Update DNS settings", final.Causes[0].Resolution.English.Title.Plain);
        Assert.DoesNotContain(final.Causes, c => c.Conditions.Contains("adfs-sso"));
        Assert.Equal(2, final.Causes.Count);
    }

    [Fact]
    public void Plan_EveryCauseRuledOut_FallsBackToCollectMoreInformation()
    {
        var plan = Planner.Plan(Symptom("you-set-up-custom-domain"), Answers(("custom-domain", "no")));

        Assert.Empty(plan.Causes);
        Assert.Equal("Collect more information and seek additional help", plan.Fallback?.Title.Plain);
    }

    [Fact]
    public void Plan_SymptomWithoutFlow_AsksNothing()
    {
        var plan = Planner.Plan(Symptom("forgotten-password"), Answers());

        Assert.Null(plan.Next);
        Assert.Single(plan.Causes);
    }

    [Fact]
    public void Plan_PersonalCertificate_CacheNotClearedYet_StartsWithDeletingSignInInfo()
    {
        var symptom = Symptom("problem-acquiring-personal-certificate-that");
        Assert.Equal("cache-cleared", Planner.Plan(symptom, Answers()).Next?.Id);

        var plan = Planner.Plan(symptom, Answers(("cache-cleared", "no")));

        Assert.Null(plan.Next);
        Assert.DoesNotContain(plan.Causes, c => c.Conditions.Contains("cached-data-removed"));
    }

    [Fact]
    public void Detect_PasteMentioningAdfs_AnswersTheAdfsQuestion()
    {
        var found = Planner.Detect(Symptom("server-is-temporarily-unavailable"), "We use ADFS single sign-on and since today: Server is temporarily unavailable");

        Assert.Equal("yes", found["adfs"]);
        Assert.False(found.ContainsKey("plan"));
    }

    [Theory]
    [InlineData("Server is temporarily unavailable. We don't use AD FS here.")]
    [InlineData("Server is temporarily unavailable, we do not use ADFS")]
    [InlineData("Server is temporarily unavailable (no SSO)")]
    public void Detect_PasteDenyingAdfs_AnswersNo(string paste)
    {
        var found = Planner.Detect(Symptom("server-is-temporarily-unavailable"), paste);

        Assert.Equal("no", found["adfs"]);
    }
}
