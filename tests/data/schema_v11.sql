-- Schema of data version 11 (version 10 plus mediation_party: 当事人 as people), frozen: tests upgrade it to the current version.
PRAGMA user_version = 11;
PRAGMA application_id = 1514357843;
CREATE TABLE "publicity_event" (
   "id" INTEGER PRIMARY KEY,
   "event_date" TEXT,
   "title" TEXT,
   "event_type" TEXT,
   "occasion" TEXT,
   "place" TEXT,
   "place_id" INTEGER,
   "audience" TEXT,
   "partners" TEXT,
   "participants" INTEGER,
   "passed" INTEGER,
   "materials" INTEGER,
   "leader" TEXT,
   "note" TEXT,
   "created_at" TEXT,
   "updated_at" TEXT
, batch_id INTEGER REFERENCES import_batch(id));
CREATE TABLE "enforcement_staff" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT,
   "unit" TEXT,
   "position" TEXT,
   "in_post" INTEGER,
   "post_from" TEXT,
   "post_until" TEXT,
   "staff_type" TEXT,
   "domain" TEXT,
   "review" TEXT,
   "training_hours" INTEGER,
   "phone" TEXT,
   "note" TEXT,
   "created_at" TEXT,
   "updated_at" TEXT
, batch_id INTEGER REFERENCES import_batch(id));
CREATE TABLE "enforcement_training" (
   "id" INTEGER PRIMARY KEY,
   "train_date" TEXT,
   "content" TEXT,
   "train_type" TEXT,
   "hours" INTEGER,
   "participants" INTEGER,
   "passed" INTEGER,
   "note" TEXT,
   "created_at" TEXT,
   "updated_at" TEXT
, batch_id INTEGER REFERENCES import_batch(id));
CREATE TABLE "advisor_work" (
   "id" INTEGER PRIMARY KEY,
   "work_date" TEXT,
   "advisor_type" TEXT,
   "advisor" TEXT,
   "village" TEXT,
   "village_id" INTEGER,
   "work_type" TEXT,
   "quantity" INTEGER,
   "people" INTEGER,
   "result" TEXT,
   "summary" TEXT,
   "note" TEXT,
   "created_at" TEXT,
   "updated_at" TEXT
, batch_id INTEGER REFERENCES import_batch(id));
CREATE TABLE "mediation_case" (
   "id" INTEGER PRIMARY KEY,
   "case_no" TEXT,
   "accepted" TEXT,
   "village" TEXT,
   "village_id" INTEGER,
   "org" TEXT,
   "dispute_type" TEXT,
   "source" TEXT,
   "parties" TEXT,
   "id_number" TEXT,
   "phone" TEXT,
   "people" INTEGER,
   "amount" REAL,
   "summary" TEXT,
   "mediator" TEXT,
   "result" TEXT,
   "agreement" TEXT,
   "closed" TEXT,
   "confirmed" INTEGER,
   "note" TEXT,
   "created_at" TEXT,
   "updated_at" TEXT
, batch_id INTEGER REFERENCES import_batch(id));
CREATE TABLE "joint_meeting" (
   "id" INTEGER PRIMARY KEY,
   "meet_date" TEXT,
   "units" TEXT,
   "topic" TEXT,
   "disputes_found" INTEGER,
   "note" TEXT,
   "created_at" TEXT,
   "updated_at" TEXT
, batch_id INTEGER REFERENCES import_batch(id));
CREATE TABLE "petition" (
   "id" INTEGER PRIMARY KEY,
   "reg_date" TEXT,
   "petitioner" TEXT,
   "village" TEXT,
   "village_id" INTEGER,
   "method" TEXT,
   "level" TEXT,
   "visitors" INTEGER,
   "matter" TEXT,
   "status" TEXT,
   "extended" INTEGER,
   "extension_reason" TEXT,
   "done_date" TEXT,
   "satisfied" INTEGER,
   "note" TEXT,
   "created_at" TEXT,
   "updated_at" TEXT
, batch_id INTEGER REFERENCES import_batch(id));
CREATE TABLE "village" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT,
   "demo_village" INTEGER,
   "demo_level" TEXT,
   "demo_year" INTEGER,
   "demo_review_year" INTEGER,
   "demo_revoked_year" INTEGER,
   "note" TEXT,
   "created_at" TEXT,
   "updated_at" TEXT
, batch_id INTEGER REFERENCES import_batch(id));
CREATE TABLE "enforcement_certificate" (
   "id" INTEGER PRIMARY KEY,
   "holder" TEXT,
   "cert_no" TEXT,
   "cert_type" TEXT,
   "issuer" TEXT,
   "valid_from" TEXT,
   "valid_until" TEXT,
   "note" TEXT,
   "created_at" TEXT,
   "updated_at" TEXT
, batch_id INTEGER REFERENCES import_batch(id));
CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            table_name TEXT NOT NULL,
            record_id INTEGER,
            action TEXT NOT NULL,
            old_values TEXT,
            new_values TEXT,
            note TEXT
        );
CREATE INDEX ix_publicity_event_event_date ON publicity_event(event_date);
CREATE INDEX ix_publicity_event_place ON publicity_event(place);
CREATE INDEX ix_enforcement_training_train_date ON enforcement_training(train_date);
CREATE INDEX ix_advisor_work_work_date ON advisor_work(work_date);
CREATE INDEX ix_advisor_work_village ON advisor_work(village);
CREATE INDEX ix_mediation_case_accepted ON mediation_case(accepted);
CREATE INDEX ix_mediation_case_village ON mediation_case(village);
CREATE UNIQUE INDEX ux_mediation_case_case_no ON mediation_case(case_no) WHERE case_no IS NOT NULL;
CREATE INDEX ix_joint_meeting_meet_date ON joint_meeting(meet_date);
CREATE INDEX ix_petition_reg_date ON petition(reg_date);
CREATE INDEX ix_petition_village ON petition(village);
CREATE UNIQUE INDEX ux_village_name ON village(name) WHERE name IS NOT NULL;
CREATE INDEX ix_enforcement_certificate_valid_from ON enforcement_certificate(valid_from);
CREATE UNIQUE INDEX ux_enforcement_certificate_cert_no ON enforcement_certificate(cert_no) WHERE cert_no IS NOT NULL;
CREATE INDEX ix_audit_record ON audit_log(table_name, record_id);
CREATE TABLE report_text (
            year INTEGER NOT NULL,
            key TEXT NOT NULL,
            text TEXT,
            updated_at TEXT,
            PRIMARY KEY (year, key)
        );
CREATE INDEX stats_publicity_event ON publicity_event(event_date, event_type, occasion, partners, participants, passed, materials);
CREATE INDEX stats_mediation_case ON mediation_case(accepted, org, result, confirmed, dispute_type, village, amount);
CREATE INDEX stats_enforcement_training ON enforcement_training(train_date, train_type, hours, participants, passed);
CREATE TABLE import_batch (
            id INTEGER PRIMARY KEY,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            register TEXT NOT NULL,
            village TEXT,
            imported_at TEXT NOT NULL,
            rows_in_file INTEGER NOT NULL,
            rows_imported INTEGER NOT NULL,
            rows_skipped INTEGER NOT NULL,
            undone_at TEXT
        );
CREATE INDEX ix_import_batch_sha256 ON import_batch(sha256);
CREATE INDEX ix_publicity_event_batch ON publicity_event(batch_id);
CREATE INDEX ix_enforcement_staff_batch ON enforcement_staff(batch_id);
CREATE INDEX ix_enforcement_training_batch ON enforcement_training(batch_id);
CREATE INDEX ix_advisor_work_batch ON advisor_work(batch_id);
CREATE INDEX ix_mediation_case_batch ON mediation_case(batch_id);
CREATE INDEX ix_joint_meeting_batch ON joint_meeting(batch_id);
CREATE INDEX ix_petition_batch ON petition(batch_id);
CREATE INDEX ix_village_batch ON village(batch_id);
CREATE INDEX ix_enforcement_certificate_batch ON enforcement_certificate(batch_id);
CREATE INDEX stats_petition ON petition(reg_date, level, status, done_date, extended, satisfied, visitors);
CREATE TABLE import_row (
            batch_id INTEGER NOT NULL REFERENCES import_batch(id),
            register TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            record_id INTEGER NOT NULL
        );
CREATE INDEX ix_import_row_fingerprint ON import_row(register, fingerprint);
CREATE INDEX ix_publicity_event_place_id ON publicity_event(place_id);
CREATE INDEX ix_advisor_work_village_id ON advisor_work(village_id);
CREATE INDEX ix_mediation_case_village_id ON mediation_case(village_id);
CREATE INDEX ix_petition_village_id ON petition(village_id);
CREATE INDEX stats_advisor_work ON advisor_work(work_date, advisor_type, work_type, result, village, quantity, people, village_id);
CREATE INDEX ix_enforcement_certificate_holder ON enforcement_certificate(holder, valid_until);
CREATE VIRTUAL TABLE search_village USING fts5(name, demo_level, note, content='village', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE VIRTUAL TABLE search_publicity_event USING fts5(title, event_type, occasion, place, audience, partners, leader, note, content='publicity_event', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE VIRTUAL TABLE search_enforcement_staff USING fts5(name, unit, position, staff_type, domain, review, phone, note, content='enforcement_staff', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE VIRTUAL TABLE search_enforcement_certificate USING fts5(holder, cert_no, cert_type, issuer, note, content='enforcement_certificate', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE VIRTUAL TABLE search_enforcement_training USING fts5(content, train_type, note, content='enforcement_training', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE VIRTUAL TABLE search_advisor_work USING fts5(advisor_type, advisor, village, work_type, result, summary, note, content='advisor_work', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE VIRTUAL TABLE search_mediation_case USING fts5(case_no, village, org, dispute_type, source, parties, id_number, phone, summary, mediator, result, agreement, note, content='mediation_case', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE VIRTUAL TABLE search_joint_meeting USING fts5(units, topic, note, content='joint_meeting', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE VIRTUAL TABLE search_petition USING fts5(petitioner, village, method, level, matter, status, extension_reason, note, content='petition', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TABLE mediation_party (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES mediation_case(id) ON DELETE CASCADE,
            role TEXT, name TEXT, gender TEXT, ethnicity TEXT, birth_date TEXT, age INTEGER,
            occupation TEXT, phone TEXT, address TEXT, id_number TEXT,
            created_at TEXT, updated_at TEXT
        );
CREATE INDEX ix_mediation_party_parent ON mediation_party(case_id);
