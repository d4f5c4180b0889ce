// Checks an ontology file against the OWL 2 DL profile with the OWL API (Debian's
// libowlapi-java): prints one line per violation and "violations: N"; exit 0 when N is 0.
// Run as a single-file program: java -cp "$(owlapi jars)" tests/owl/DlProfile.java FILE
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class DlProfile {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        for (OWLProfileViolation violation : report.getViolations()) {
            System.out.println(violation.getClass().getSimpleName() + ": " + violation);
        }
        System.out.println("axioms: " + ontology.getAxiomCount());
        System.out.println("violations: " + report.getViolations().size());
        System.exit(report.isInProfile() ? 0 : 1);
    }
}
