-- Schema of data version 13 as the program made a new database at that version (migrations 1-13 and the columns, child tables,
-- rosters and search indexes the descriptions then named), frozen: tests upgrade it to the current version.
PRAGMA user_version = 13;
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
   "people" INTEGER,
   "amount" REAL,
   "summary" TEXT,
   "registrar" TEXT,
   "request" TEXT,
   "facts" TEXT,
   "mediator" TEXT,
   "result" TEXT,
   "agreement" TEXT,
   "agreement_date" TEXT,
   "agreement_place" TEXT,
   "main_facts" TEXT,
   "disputed" TEXT,
   "liability" TEXT,
   "agreement_text" TEXT,
   "performance_way" TEXT,
   "performance_place" TEXT,
   "performance_due" TEXT,
   "performance" TEXT,
   "closed" TEXT,
   "confirmed" INTEGER,
   "confirm_applied" TEXT,
   "confirm_result" TEXT,
   "difficult" INTEGER,
   "prevented_suicide" INTEGER,
   "prevented_suicide_people" INTEGER,
   "prevented_crime" INTEGER,
   "prevented_crime_people" INTEGER,
   "prevented_petition" INTEGER,
   "prevented_petition_people" INTEGER,
   "prevented_fight" INTEGER,
   "prevented_fight_people" INTEGER,
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
   "disputes_prevented" INTEGER,
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
CREATE TABLE "mediator" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT,
   "committee" TEXT,
   "village" TEXT,
   "village_id" INTEGER,
   "kind" TEXT,
   "phone" TEXT,
   "start" TEXT,
   "end" TEXT,
   "note" TEXT,
   "created_at" TEXT,
   "updated_at" TEXT
, batch_id INTEGER REFERENCES import_batch(id));
CREATE TABLE "legal_advisor" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT,
   "firm" TEXT,
   "advisor_type" TEXT,
   "villages" TEXT,
   "phone" TEXT,
   "term_start" TEXT,
   "term_end" TEXT,
   "note" TEXT,
   "created_at" TEXT,
   "updated_at" TEXT
, batch_id INTEGER REFERENCES import_batch(id));
CREATE TABLE "mediation_committee" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT,
   "kind" TEXT,
   "village" TEXT,
   "village_id" INTEGER,
   "established" TEXT,
   "dissolved" TEXT,
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
CREATE INDEX ix_mediator_village ON mediator(village);
CREATE INDEX ix_mediation_committee_village ON mediation_committee(village);
CREATE UNIQUE INDEX ux_mediation_committee_name ON mediation_committee(name) WHERE name IS NOT NULL;
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
CREATE INDEX ix_mediator_batch ON mediator(batch_id);
CREATE INDEX ix_legal_advisor_batch ON legal_advisor(batch_id);
CREATE INDEX ix_mediation_committee_batch ON mediation_committee(batch_id);
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
CREATE INDEX ix_mediator_village_id ON mediator(village_id);
CREATE INDEX ix_mediation_committee_village_id ON mediation_committee(village_id);
CREATE INDEX stats_advisor_work ON advisor_work(work_date, advisor_type, work_type, result, village, quantity, people, village_id);
CREATE INDEX ix_enforcement_certificate_holder ON enforcement_certificate(holder, valid_until);
CREATE VIEW search_village_text AS SELECT id, name || '  ' AS name, demo_level || '  ' AS demo_level, note || '  ' AS note FROM village;
CREATE VIRTUAL TABLE search_village USING fts5(name, demo_level, note, content='search_village_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_village_insert AFTER INSERT ON village BEGIN INSERT INTO search_village(rowid, name, demo_level, note) VALUES (new.id, new.name || '  ', new.demo_level || '  ', new.note || '  '); END;
CREATE TRIGGER search_village_delete AFTER DELETE ON village BEGIN INSERT INTO search_village(search_village, rowid, name, demo_level, note) VALUES ('delete', old.id, old.name || '  ', old.demo_level || '  ', old.note || '  '); END;
CREATE TRIGGER search_village_update AFTER UPDATE OF id, name, demo_level, note ON village BEGIN INSERT INTO search_village(search_village, rowid, name, demo_level, note) VALUES ('delete', old.id, old.name || '  ', old.demo_level || '  ', old.note || '  '); INSERT INTO search_village(rowid, name, demo_level, note) VALUES (new.id, new.name || '  ', new.demo_level || '  ', new.note || '  '); END;
CREATE VIEW search_publicity_event_text AS SELECT id, title || '  ' AS title, event_type || '  ' AS event_type, occasion || '  ' AS occasion, place || '  ' AS place, audience || '  ' AS audience, partners || '  ' AS partners, leader || '  ' AS leader, note || '  ' AS note FROM publicity_event;
CREATE VIRTUAL TABLE search_publicity_event USING fts5(title, event_type, occasion, place, audience, partners, leader, note, content='search_publicity_event_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_publicity_event_insert AFTER INSERT ON publicity_event BEGIN INSERT INTO search_publicity_event(rowid, title, event_type, occasion, place, audience, partners, leader, note) VALUES (new.id, new.title || '  ', new.event_type || '  ', new.occasion || '  ', new.place || '  ', new.audience || '  ', new.partners || '  ', new.leader || '  ', new.note || '  '); END;
CREATE TRIGGER search_publicity_event_delete AFTER DELETE ON publicity_event BEGIN INSERT INTO search_publicity_event(search_publicity_event, rowid, title, event_type, occasion, place, audience, partners, leader, note) VALUES ('delete', old.id, old.title || '  ', old.event_type || '  ', old.occasion || '  ', old.place || '  ', old.audience || '  ', old.partners || '  ', old.leader || '  ', old.note || '  '); END;
CREATE TRIGGER search_publicity_event_update AFTER UPDATE OF id, title, event_type, occasion, place, audience, partners, leader, note ON publicity_event BEGIN INSERT INTO search_publicity_event(search_publicity_event, rowid, title, event_type, occasion, place, audience, partners, leader, note) VALUES ('delete', old.id, old.title || '  ', old.event_type || '  ', old.occasion || '  ', old.place || '  ', old.audience || '  ', old.partners || '  ', old.leader || '  ', old.note || '  '); INSERT INTO search_publicity_event(rowid, title, event_type, occasion, place, audience, partners, leader, note) VALUES (new.id, new.title || '  ', new.event_type || '  ', new.occasion || '  ', new.place || '  ', new.audience || '  ', new.partners || '  ', new.leader || '  ', new.note || '  '); END;
CREATE VIEW search_enforcement_staff_text AS SELECT id, name || '  ' AS name, unit || '  ' AS unit, position || '  ' AS position, staff_type || '  ' AS staff_type, domain || '  ' AS domain, review || '  ' AS review, phone || '  ' AS phone, note || '  ' AS note FROM enforcement_staff;
CREATE VIRTUAL TABLE search_enforcement_staff USING fts5(name, unit, position, staff_type, domain, review, phone, note, content='search_enforcement_staff_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_enforcement_staff_insert AFTER INSERT ON enforcement_staff BEGIN INSERT INTO search_enforcement_staff(rowid, name, unit, position, staff_type, domain, review, phone, note) VALUES (new.id, new.name || '  ', new.unit || '  ', new.position || '  ', new.staff_type || '  ', new.domain || '  ', new.review || '  ', new.phone || '  ', new.note || '  '); END;
CREATE TRIGGER search_enforcement_staff_delete AFTER DELETE ON enforcement_staff BEGIN INSERT INTO search_enforcement_staff(search_enforcement_staff, rowid, name, unit, position, staff_type, domain, review, phone, note) VALUES ('delete', old.id, old.name || '  ', old.unit || '  ', old.position || '  ', old.staff_type || '  ', old.domain || '  ', old.review || '  ', old.phone || '  ', old.note || '  '); END;
CREATE TRIGGER search_enforcement_staff_update AFTER UPDATE OF id, name, unit, position, staff_type, domain, review, phone, note ON enforcement_staff BEGIN INSERT INTO search_enforcement_staff(search_enforcement_staff, rowid, name, unit, position, staff_type, domain, review, phone, note) VALUES ('delete', old.id, old.name || '  ', old.unit || '  ', old.position || '  ', old.staff_type || '  ', old.domain || '  ', old.review || '  ', old.phone || '  ', old.note || '  '); INSERT INTO search_enforcement_staff(rowid, name, unit, position, staff_type, domain, review, phone, note) VALUES (new.id, new.name || '  ', new.unit || '  ', new.position || '  ', new.staff_type || '  ', new.domain || '  ', new.review || '  ', new.phone || '  ', new.note || '  '); END;
CREATE VIEW search_enforcement_certificate_text AS SELECT id, holder || '  ' AS holder, cert_no || '  ' AS cert_no, cert_type || '  ' AS cert_type, issuer || '  ' AS issuer, note || '  ' AS note FROM enforcement_certificate;
CREATE VIRTUAL TABLE search_enforcement_certificate USING fts5(holder, cert_no, cert_type, issuer, note, content='search_enforcement_certificate_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_enforcement_certificate_insert AFTER INSERT ON enforcement_certificate BEGIN INSERT INTO search_enforcement_certificate(rowid, holder, cert_no, cert_type, issuer, note) VALUES (new.id, new.holder || '  ', new.cert_no || '  ', new.cert_type || '  ', new.issuer || '  ', new.note || '  '); END;
CREATE TRIGGER search_enforcement_certificate_delete AFTER DELETE ON enforcement_certificate BEGIN INSERT INTO search_enforcement_certificate(search_enforcement_certificate, rowid, holder, cert_no, cert_type, issuer, note) VALUES ('delete', old.id, old.holder || '  ', old.cert_no || '  ', old.cert_type || '  ', old.issuer || '  ', old.note || '  '); END;
CREATE TRIGGER search_enforcement_certificate_update AFTER UPDATE OF id, holder, cert_no, cert_type, issuer, note ON enforcement_certificate BEGIN INSERT INTO search_enforcement_certificate(search_enforcement_certificate, rowid, holder, cert_no, cert_type, issuer, note) VALUES ('delete', old.id, old.holder || '  ', old.cert_no || '  ', old.cert_type || '  ', old.issuer || '  ', old.note || '  '); INSERT INTO search_enforcement_certificate(rowid, holder, cert_no, cert_type, issuer, note) VALUES (new.id, new.holder || '  ', new.cert_no || '  ', new.cert_type || '  ', new.issuer || '  ', new.note || '  '); END;
CREATE VIEW search_enforcement_training_text AS SELECT id, content || '  ' AS content, train_type || '  ' AS train_type, note || '  ' AS note FROM enforcement_training;
CREATE VIRTUAL TABLE search_enforcement_training USING fts5(content, train_type, note, content='search_enforcement_training_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_enforcement_training_insert AFTER INSERT ON enforcement_training BEGIN INSERT INTO search_enforcement_training(rowid, content, train_type, note) VALUES (new.id, new.content || '  ', new.train_type || '  ', new.note || '  '); END;
CREATE TRIGGER search_enforcement_training_delete AFTER DELETE ON enforcement_training BEGIN INSERT INTO search_enforcement_training(search_enforcement_training, rowid, content, train_type, note) VALUES ('delete', old.id, old.content || '  ', old.train_type || '  ', old.note || '  '); END;
CREATE TRIGGER search_enforcement_training_update AFTER UPDATE OF id, content, train_type, note ON enforcement_training BEGIN INSERT INTO search_enforcement_training(search_enforcement_training, rowid, content, train_type, note) VALUES ('delete', old.id, old.content || '  ', old.train_type || '  ', old.note || '  '); INSERT INTO search_enforcement_training(rowid, content, train_type, note) VALUES (new.id, new.content || '  ', new.train_type || '  ', new.note || '  '); END;
CREATE VIEW search_advisor_work_text AS SELECT id, advisor_type || '  ' AS advisor_type, advisor || '  ' AS advisor, village || '  ' AS village, work_type || '  ' AS work_type, result || '  ' AS result, summary || '  ' AS summary, note || '  ' AS note FROM advisor_work;
CREATE VIRTUAL TABLE search_advisor_work USING fts5(advisor_type, advisor, village, work_type, result, summary, note, content='search_advisor_work_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_advisor_work_insert AFTER INSERT ON advisor_work BEGIN INSERT INTO search_advisor_work(rowid, advisor_type, advisor, village, work_type, result, summary, note) VALUES (new.id, new.advisor_type || '  ', new.advisor || '  ', new.village || '  ', new.work_type || '  ', new.result || '  ', new.summary || '  ', new.note || '  '); END;
CREATE TRIGGER search_advisor_work_delete AFTER DELETE ON advisor_work BEGIN INSERT INTO search_advisor_work(search_advisor_work, rowid, advisor_type, advisor, village, work_type, result, summary, note) VALUES ('delete', old.id, old.advisor_type || '  ', old.advisor || '  ', old.village || '  ', old.work_type || '  ', old.result || '  ', old.summary || '  ', old.note || '  '); END;
CREATE TRIGGER search_advisor_work_update AFTER UPDATE OF id, advisor_type, advisor, village, work_type, result, summary, note ON advisor_work BEGIN INSERT INTO search_advisor_work(search_advisor_work, rowid, advisor_type, advisor, village, work_type, result, summary, note) VALUES ('delete', old.id, old.advisor_type || '  ', old.advisor || '  ', old.village || '  ', old.work_type || '  ', old.result || '  ', old.summary || '  ', old.note || '  '); INSERT INTO search_advisor_work(rowid, advisor_type, advisor, village, work_type, result, summary, note) VALUES (new.id, new.advisor_type || '  ', new.advisor || '  ', new.village || '  ', new.work_type || '  ', new.result || '  ', new.summary || '  ', new.note || '  '); END;
CREATE VIEW search_mediation_case_text AS SELECT id, case_no || '  ' AS case_no, village || '  ' AS village, org || '  ' AS org, dispute_type || '  ' AS dispute_type, source || '  ' AS source, parties || '  ' AS parties, summary || '  ' AS summary, registrar || '  ' AS registrar, request || '  ' AS request, facts || '  ' AS facts, mediator || '  ' AS mediator, result || '  ' AS result, agreement || '  ' AS agreement, agreement_place || '  ' AS agreement_place, main_facts || '  ' AS main_facts, disputed || '  ' AS disputed, liability || '  ' AS liability, agreement_text || '  ' AS agreement_text, performance_way || '  ' AS performance_way, performance_place || '  ' AS performance_place, performance || '  ' AS performance, confirm_result || '  ' AS confirm_result, note || '  ' AS note FROM mediation_case;
CREATE VIRTUAL TABLE search_mediation_case USING fts5(case_no, village, org, dispute_type, source, parties, summary, registrar, request, facts, mediator, result, agreement, agreement_place, main_facts, disputed, liability, agreement_text, performance_way, performance_place, performance, confirm_result, note, content='search_mediation_case_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_mediation_case_insert AFTER INSERT ON mediation_case BEGIN INSERT INTO search_mediation_case(rowid, case_no, village, org, dispute_type, source, parties, summary, registrar, request, facts, mediator, result, agreement, agreement_place, main_facts, disputed, liability, agreement_text, performance_way, performance_place, performance, confirm_result, note) VALUES (new.id, new.case_no || '  ', new.village || '  ', new.org || '  ', new.dispute_type || '  ', new.source || '  ', new.parties || '  ', new.summary || '  ', new.registrar || '  ', new.request || '  ', new.facts || '  ', new.mediator || '  ', new.result || '  ', new.agreement || '  ', new.agreement_place || '  ', new.main_facts || '  ', new.disputed || '  ', new.liability || '  ', new.agreement_text || '  ', new.performance_way || '  ', new.performance_place || '  ', new.performance || '  ', new.confirm_result || '  ', new.note || '  '); END;
CREATE TRIGGER search_mediation_case_delete AFTER DELETE ON mediation_case BEGIN INSERT INTO search_mediation_case(search_mediation_case, rowid, case_no, village, org, dispute_type, source, parties, summary, registrar, request, facts, mediator, result, agreement, agreement_place, main_facts, disputed, liability, agreement_text, performance_way, performance_place, performance, confirm_result, note) VALUES ('delete', old.id, old.case_no || '  ', old.village || '  ', old.org || '  ', old.dispute_type || '  ', old.source || '  ', old.parties || '  ', old.summary || '  ', old.registrar || '  ', old.request || '  ', old.facts || '  ', old.mediator || '  ', old.result || '  ', old.agreement || '  ', old.agreement_place || '  ', old.main_facts || '  ', old.disputed || '  ', old.liability || '  ', old.agreement_text || '  ', old.performance_way || '  ', old.performance_place || '  ', old.performance || '  ', old.confirm_result || '  ', old.note || '  '); END;
CREATE TRIGGER search_mediation_case_update AFTER UPDATE OF id, case_no, village, org, dispute_type, source, parties, summary, registrar, request, facts, mediator, result, agreement, agreement_place, main_facts, disputed, liability, agreement_text, performance_way, performance_place, performance, confirm_result, note ON mediation_case BEGIN INSERT INTO search_mediation_case(search_mediation_case, rowid, case_no, village, org, dispute_type, source, parties, summary, registrar, request, facts, mediator, result, agreement, agreement_place, main_facts, disputed, liability, agreement_text, performance_way, performance_place, performance, confirm_result, note) VALUES ('delete', old.id, old.case_no || '  ', old.village || '  ', old.org || '  ', old.dispute_type || '  ', old.source || '  ', old.parties || '  ', old.summary || '  ', old.registrar || '  ', old.request || '  ', old.facts || '  ', old.mediator || '  ', old.result || '  ', old.agreement || '  ', old.agreement_place || '  ', old.main_facts || '  ', old.disputed || '  ', old.liability || '  ', old.agreement_text || '  ', old.performance_way || '  ', old.performance_place || '  ', old.performance || '  ', old.confirm_result || '  ', old.note || '  '); INSERT INTO search_mediation_case(rowid, case_no, village, org, dispute_type, source, parties, summary, registrar, request, facts, mediator, result, agreement, agreement_place, main_facts, disputed, liability, agreement_text, performance_way, performance_place, performance, confirm_result, note) VALUES (new.id, new.case_no || '  ', new.village || '  ', new.org || '  ', new.dispute_type || '  ', new.source || '  ', new.parties || '  ', new.summary || '  ', new.registrar || '  ', new.request || '  ', new.facts || '  ', new.mediator || '  ', new.result || '  ', new.agreement || '  ', new.agreement_place || '  ', new.main_facts || '  ', new.disputed || '  ', new.liability || '  ', new.agreement_text || '  ', new.performance_way || '  ', new.performance_place || '  ', new.performance || '  ', new.confirm_result || '  ', new.note || '  '); END;
CREATE VIEW search_joint_meeting_text AS SELECT id, units || '  ' AS units, topic || '  ' AS topic, note || '  ' AS note FROM joint_meeting;
CREATE VIRTUAL TABLE search_joint_meeting USING fts5(units, topic, note, content='search_joint_meeting_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_joint_meeting_insert AFTER INSERT ON joint_meeting BEGIN INSERT INTO search_joint_meeting(rowid, units, topic, note) VALUES (new.id, new.units || '  ', new.topic || '  ', new.note || '  '); END;
CREATE TRIGGER search_joint_meeting_delete AFTER DELETE ON joint_meeting BEGIN INSERT INTO search_joint_meeting(search_joint_meeting, rowid, units, topic, note) VALUES ('delete', old.id, old.units || '  ', old.topic || '  ', old.note || '  '); END;
CREATE TRIGGER search_joint_meeting_update AFTER UPDATE OF id, units, topic, note ON joint_meeting BEGIN INSERT INTO search_joint_meeting(search_joint_meeting, rowid, units, topic, note) VALUES ('delete', old.id, old.units || '  ', old.topic || '  ', old.note || '  '); INSERT INTO search_joint_meeting(rowid, units, topic, note) VALUES (new.id, new.units || '  ', new.topic || '  ', new.note || '  '); END;
CREATE VIEW search_petition_text AS SELECT id, petitioner || '  ' AS petitioner, village || '  ' AS village, method || '  ' AS method, level || '  ' AS level, matter || '  ' AS matter, status || '  ' AS status, extension_reason || '  ' AS extension_reason, note || '  ' AS note FROM petition;
CREATE VIRTUAL TABLE search_petition USING fts5(petitioner, village, method, level, matter, status, extension_reason, note, content='search_petition_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_petition_insert AFTER INSERT ON petition BEGIN INSERT INTO search_petition(rowid, petitioner, village, method, level, matter, status, extension_reason, note) VALUES (new.id, new.petitioner || '  ', new.village || '  ', new.method || '  ', new.level || '  ', new.matter || '  ', new.status || '  ', new.extension_reason || '  ', new.note || '  '); END;
CREATE TRIGGER search_petition_delete AFTER DELETE ON petition BEGIN INSERT INTO search_petition(search_petition, rowid, petitioner, village, method, level, matter, status, extension_reason, note) VALUES ('delete', old.id, old.petitioner || '  ', old.village || '  ', old.method || '  ', old.level || '  ', old.matter || '  ', old.status || '  ', old.extension_reason || '  ', old.note || '  '); END;
CREATE TRIGGER search_petition_update AFTER UPDATE OF id, petitioner, village, method, level, matter, status, extension_reason, note ON petition BEGIN INSERT INTO search_petition(search_petition, rowid, petitioner, village, method, level, matter, status, extension_reason, note) VALUES ('delete', old.id, old.petitioner || '  ', old.village || '  ', old.method || '  ', old.level || '  ', old.matter || '  ', old.status || '  ', old.extension_reason || '  ', old.note || '  '); INSERT INTO search_petition(rowid, petitioner, village, method, level, matter, status, extension_reason, note) VALUES (new.id, new.petitioner || '  ', new.village || '  ', new.method || '  ', new.level || '  ', new.matter || '  ', new.status || '  ', new.extension_reason || '  ', new.note || '  '); END;
CREATE VIEW search_mediation_committee_text AS SELECT id, name || '  ' AS name, kind || '  ' AS kind, village || '  ' AS village, note || '  ' AS note FROM mediation_committee;
CREATE VIRTUAL TABLE search_mediation_committee USING fts5(name, kind, village, note, content='search_mediation_committee_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_mediation_committee_insert AFTER INSERT ON mediation_committee BEGIN INSERT INTO search_mediation_committee(rowid, name, kind, village, note) VALUES (new.id, new.name || '  ', new.kind || '  ', new.village || '  ', new.note || '  '); END;
CREATE TRIGGER search_mediation_committee_delete AFTER DELETE ON mediation_committee BEGIN INSERT INTO search_mediation_committee(search_mediation_committee, rowid, name, kind, village, note) VALUES ('delete', old.id, old.name || '  ', old.kind || '  ', old.village || '  ', old.note || '  '); END;
CREATE TRIGGER search_mediation_committee_update AFTER UPDATE OF id, name, kind, village, note ON mediation_committee BEGIN INSERT INTO search_mediation_committee(search_mediation_committee, rowid, name, kind, village, note) VALUES ('delete', old.id, old.name || '  ', old.kind || '  ', old.village || '  ', old.note || '  '); INSERT INTO search_mediation_committee(rowid, name, kind, village, note) VALUES (new.id, new.name || '  ', new.kind || '  ', new.village || '  ', new.note || '  '); END;
CREATE VIEW search_mediator_text AS SELECT id, name || '  ' AS name, committee || '  ' AS committee, village || '  ' AS village, kind || '  ' AS kind, phone || '  ' AS phone, note || '  ' AS note FROM mediator;
CREATE VIRTUAL TABLE search_mediator USING fts5(name, committee, village, kind, phone, note, content='search_mediator_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_mediator_insert AFTER INSERT ON mediator BEGIN INSERT INTO search_mediator(rowid, name, committee, village, kind, phone, note) VALUES (new.id, new.name || '  ', new.committee || '  ', new.village || '  ', new.kind || '  ', new.phone || '  ', new.note || '  '); END;
CREATE TRIGGER search_mediator_delete AFTER DELETE ON mediator BEGIN INSERT INTO search_mediator(search_mediator, rowid, name, committee, village, kind, phone, note) VALUES ('delete', old.id, old.name || '  ', old.committee || '  ', old.village || '  ', old.kind || '  ', old.phone || '  ', old.note || '  '); END;
CREATE TRIGGER search_mediator_update AFTER UPDATE OF id, name, committee, village, kind, phone, note ON mediator BEGIN INSERT INTO search_mediator(search_mediator, rowid, name, committee, village, kind, phone, note) VALUES ('delete', old.id, old.name || '  ', old.committee || '  ', old.village || '  ', old.kind || '  ', old.phone || '  ', old.note || '  '); INSERT INTO search_mediator(rowid, name, committee, village, kind, phone, note) VALUES (new.id, new.name || '  ', new.committee || '  ', new.village || '  ', new.kind || '  ', new.phone || '  ', new.note || '  '); END;
CREATE VIEW search_legal_advisor_text AS SELECT id, name || '  ' AS name, firm || '  ' AS firm, advisor_type || '  ' AS advisor_type, villages || '  ' AS villages, phone || '  ' AS phone, note || '  ' AS note FROM legal_advisor;
CREATE VIRTUAL TABLE search_legal_advisor USING fts5(name, firm, advisor_type, villages, phone, note, content='search_legal_advisor_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_legal_advisor_insert AFTER INSERT ON legal_advisor BEGIN INSERT INTO search_legal_advisor(rowid, name, firm, advisor_type, villages, phone, note) VALUES (new.id, new.name || '  ', new.firm || '  ', new.advisor_type || '  ', new.villages || '  ', new.phone || '  ', new.note || '  '); END;
CREATE TRIGGER search_legal_advisor_delete AFTER DELETE ON legal_advisor BEGIN INSERT INTO search_legal_advisor(search_legal_advisor, rowid, name, firm, advisor_type, villages, phone, note) VALUES ('delete', old.id, old.name || '  ', old.firm || '  ', old.advisor_type || '  ', old.villages || '  ', old.phone || '  ', old.note || '  '); END;
CREATE TRIGGER search_legal_advisor_update AFTER UPDATE OF id, name, firm, advisor_type, villages, phone, note ON legal_advisor BEGIN INSERT INTO search_legal_advisor(search_legal_advisor, rowid, name, firm, advisor_type, villages, phone, note) VALUES ('delete', old.id, old.name || '  ', old.firm || '  ', old.advisor_type || '  ', old.villages || '  ', old.phone || '  ', old.note || '  '); INSERT INTO search_legal_advisor(rowid, name, firm, advisor_type, villages, phone, note) VALUES (new.id, new.name || '  ', new.firm || '  ', new.advisor_type || '  ', new.villages || '  ', new.phone || '  ', new.note || '  '); END;
CREATE TABLE mediation_party (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES mediation_case(id) ON DELETE CASCADE,
            role TEXT, name TEXT, gender TEXT, ethnicity TEXT, birth_date TEXT, age INTEGER,
            occupation TEXT, phone TEXT, address TEXT, id_number TEXT,
            created_at TEXT, updated_at TEXT
        );
CREATE INDEX ix_mediation_party_parent ON mediation_party(case_id);
CREATE TABLE mediation_session (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES mediation_case(id) ON DELETE CASCADE,
            session_date TEXT, session_time TEXT, session_place TEXT, mediators TEXT, attendees TEXT, recorder TEXT,
            notice TEXT, applicant_says TEXT, respondent_says TEXT, verified TEXT, proposal TEXT, outcome TEXT,
            created_at TEXT, updated_at TEXT
        );
CREATE INDEX ix_mediation_session_parent ON mediation_session(case_id);
CREATE TABLE mediation_inquiry (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES mediation_case(id) ON DELETE CASCADE, inquiry_date TEXT, inquiry_place TEXT, persons TEXT, investigator TEXT, recorder TEXT, content TEXT, created_at TEXT, updated_at TEXT);
CREATE INDEX ix_mediation_inquiry_parent ON mediation_inquiry(case_id);
CREATE TABLE mediation_performance (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES mediation_case(id) ON DELETE CASCADE, performed_on TEXT, how TEXT, proof TEXT, created_at TEXT, updated_at TEXT);
CREATE INDEX ix_mediation_performance_parent ON mediation_performance(case_id);
CREATE TABLE mediation_visit (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES mediation_case(id) ON DELETE CASCADE, visit_date TEXT, visitor TEXT, situation TEXT, carried_out INTEGER, satisfied INTEGER, created_at TEXT, updated_at TEXT);
CREATE INDEX ix_mediation_visit_parent ON mediation_visit(case_id);
CREATE TABLE mediation_paper (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES mediation_case(id) ON DELETE CASCADE, paper TEXT, pages INTEGER, description TEXT, created_at TEXT, updated_at TEXT);
CREATE INDEX ix_mediation_paper_parent ON mediation_paper(case_id);
CREATE VIEW search_mediation_party_text AS SELECT id, role || '  ' AS role, name || '  ' AS name, gender || '  ' AS gender, ethnicity || '  ' AS ethnicity, occupation || '  ' AS occupation, phone || '  ' AS phone, address || '  ' AS address, id_number || '  ' AS id_number FROM mediation_party;
CREATE VIRTUAL TABLE search_mediation_party USING fts5(role, name, gender, ethnicity, occupation, phone, address, id_number, content='search_mediation_party_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_mediation_party_insert AFTER INSERT ON mediation_party BEGIN INSERT INTO search_mediation_party(rowid, role, name, gender, ethnicity, occupation, phone, address, id_number) VALUES (new.id, new.role || '  ', new.name || '  ', new.gender || '  ', new.ethnicity || '  ', new.occupation || '  ', new.phone || '  ', new.address || '  ', new.id_number || '  '); END;
CREATE TRIGGER search_mediation_party_delete AFTER DELETE ON mediation_party BEGIN INSERT INTO search_mediation_party(search_mediation_party, rowid, role, name, gender, ethnicity, occupation, phone, address, id_number) VALUES ('delete', old.id, old.role || '  ', old.name || '  ', old.gender || '  ', old.ethnicity || '  ', old.occupation || '  ', old.phone || '  ', old.address || '  ', old.id_number || '  '); END;
CREATE TRIGGER search_mediation_party_update AFTER UPDATE OF id, role, name, gender, ethnicity, occupation, phone, address, id_number ON mediation_party BEGIN INSERT INTO search_mediation_party(search_mediation_party, rowid, role, name, gender, ethnicity, occupation, phone, address, id_number) VALUES ('delete', old.id, old.role || '  ', old.name || '  ', old.gender || '  ', old.ethnicity || '  ', old.occupation || '  ', old.phone || '  ', old.address || '  ', old.id_number || '  '); INSERT INTO search_mediation_party(rowid, role, name, gender, ethnicity, occupation, phone, address, id_number) VALUES (new.id, new.role || '  ', new.name || '  ', new.gender || '  ', new.ethnicity || '  ', new.occupation || '  ', new.phone || '  ', new.address || '  ', new.id_number || '  '); END;
CREATE VIEW search_mediation_visit_text AS SELECT id, visitor || '  ' AS visitor, situation || '  ' AS situation FROM mediation_visit;
CREATE VIRTUAL TABLE search_mediation_visit USING fts5(visitor, situation, content='search_mediation_visit_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_mediation_visit_insert AFTER INSERT ON mediation_visit BEGIN INSERT INTO search_mediation_visit(rowid, visitor, situation) VALUES (new.id, new.visitor || '  ', new.situation || '  '); END;
CREATE TRIGGER search_mediation_visit_delete AFTER DELETE ON mediation_visit BEGIN INSERT INTO search_mediation_visit(search_mediation_visit, rowid, visitor, situation) VALUES ('delete', old.id, old.visitor || '  ', old.situation || '  '); END;
CREATE TRIGGER search_mediation_visit_update AFTER UPDATE OF id, visitor, situation ON mediation_visit BEGIN INSERT INTO search_mediation_visit(search_mediation_visit, rowid, visitor, situation) VALUES ('delete', old.id, old.visitor || '  ', old.situation || '  '); INSERT INTO search_mediation_visit(rowid, visitor, situation) VALUES (new.id, new.visitor || '  ', new.situation || '  '); END;
CREATE VIEW search_mediation_session_text AS SELECT id, session_time || '  ' AS session_time, session_place || '  ' AS session_place, mediators || '  ' AS mediators, attendees || '  ' AS attendees, recorder || '  ' AS recorder, notice || '  ' AS notice, applicant_says || '  ' AS applicant_says, respondent_says || '  ' AS respondent_says, verified || '  ' AS verified, proposal || '  ' AS proposal, outcome || '  ' AS outcome FROM mediation_session;
CREATE VIRTUAL TABLE search_mediation_session USING fts5(session_time, session_place, mediators, attendees, recorder, notice, applicant_says, respondent_says, verified, proposal, outcome, content='search_mediation_session_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_mediation_session_insert AFTER INSERT ON mediation_session BEGIN INSERT INTO search_mediation_session(rowid, session_time, session_place, mediators, attendees, recorder, notice, applicant_says, respondent_says, verified, proposal, outcome) VALUES (new.id, new.session_time || '  ', new.session_place || '  ', new.mediators || '  ', new.attendees || '  ', new.recorder || '  ', new.notice || '  ', new.applicant_says || '  ', new.respondent_says || '  ', new.verified || '  ', new.proposal || '  ', new.outcome || '  '); END;
CREATE TRIGGER search_mediation_session_delete AFTER DELETE ON mediation_session BEGIN INSERT INTO search_mediation_session(search_mediation_session, rowid, session_time, session_place, mediators, attendees, recorder, notice, applicant_says, respondent_says, verified, proposal, outcome) VALUES ('delete', old.id, old.session_time || '  ', old.session_place || '  ', old.mediators || '  ', old.attendees || '  ', old.recorder || '  ', old.notice || '  ', old.applicant_says || '  ', old.respondent_says || '  ', old.verified || '  ', old.proposal || '  ', old.outcome || '  '); END;
CREATE TRIGGER search_mediation_session_update AFTER UPDATE OF id, session_time, session_place, mediators, attendees, recorder, notice, applicant_says, respondent_says, verified, proposal, outcome ON mediation_session BEGIN INSERT INTO search_mediation_session(search_mediation_session, rowid, session_time, session_place, mediators, attendees, recorder, notice, applicant_says, respondent_says, verified, proposal, outcome) VALUES ('delete', old.id, old.session_time || '  ', old.session_place || '  ', old.mediators || '  ', old.attendees || '  ', old.recorder || '  ', old.notice || '  ', old.applicant_says || '  ', old.respondent_says || '  ', old.verified || '  ', old.proposal || '  ', old.outcome || '  '); INSERT INTO search_mediation_session(rowid, session_time, session_place, mediators, attendees, recorder, notice, applicant_says, respondent_says, verified, proposal, outcome) VALUES (new.id, new.session_time || '  ', new.session_place || '  ', new.mediators || '  ', new.attendees || '  ', new.recorder || '  ', new.notice || '  ', new.applicant_says || '  ', new.respondent_says || '  ', new.verified || '  ', new.proposal || '  ', new.outcome || '  '); END;
CREATE VIEW search_mediation_inquiry_text AS SELECT id, inquiry_place || '  ' AS inquiry_place, persons || '  ' AS persons, investigator || '  ' AS investigator, recorder || '  ' AS recorder, content || '  ' AS content FROM mediation_inquiry;
CREATE VIRTUAL TABLE search_mediation_inquiry USING fts5(inquiry_place, persons, investigator, recorder, content, content='search_mediation_inquiry_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_mediation_inquiry_insert AFTER INSERT ON mediation_inquiry BEGIN INSERT INTO search_mediation_inquiry(rowid, inquiry_place, persons, investigator, recorder, content) VALUES (new.id, new.inquiry_place || '  ', new.persons || '  ', new.investigator || '  ', new.recorder || '  ', new.content || '  '); END;
CREATE TRIGGER search_mediation_inquiry_delete AFTER DELETE ON mediation_inquiry BEGIN INSERT INTO search_mediation_inquiry(search_mediation_inquiry, rowid, inquiry_place, persons, investigator, recorder, content) VALUES ('delete', old.id, old.inquiry_place || '  ', old.persons || '  ', old.investigator || '  ', old.recorder || '  ', old.content || '  '); END;
CREATE TRIGGER search_mediation_inquiry_update AFTER UPDATE OF id, inquiry_place, persons, investigator, recorder, content ON mediation_inquiry BEGIN INSERT INTO search_mediation_inquiry(search_mediation_inquiry, rowid, inquiry_place, persons, investigator, recorder, content) VALUES ('delete', old.id, old.inquiry_place || '  ', old.persons || '  ', old.investigator || '  ', old.recorder || '  ', old.content || '  '); INSERT INTO search_mediation_inquiry(rowid, inquiry_place, persons, investigator, recorder, content) VALUES (new.id, new.inquiry_place || '  ', new.persons || '  ', new.investigator || '  ', new.recorder || '  ', new.content || '  '); END;
CREATE VIEW search_mediation_performance_text AS SELECT id, how || '  ' AS how, proof || '  ' AS proof FROM mediation_performance;
CREATE VIRTUAL TABLE search_mediation_performance USING fts5(how, proof, content='search_mediation_performance_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_mediation_performance_insert AFTER INSERT ON mediation_performance BEGIN INSERT INTO search_mediation_performance(rowid, how, proof) VALUES (new.id, new.how || '  ', new.proof || '  '); END;
CREATE TRIGGER search_mediation_performance_delete AFTER DELETE ON mediation_performance BEGIN INSERT INTO search_mediation_performance(search_mediation_performance, rowid, how, proof) VALUES ('delete', old.id, old.how || '  ', old.proof || '  '); END;
CREATE TRIGGER search_mediation_performance_update AFTER UPDATE OF id, how, proof ON mediation_performance BEGIN INSERT INTO search_mediation_performance(search_mediation_performance, rowid, how, proof) VALUES ('delete', old.id, old.how || '  ', old.proof || '  '); INSERT INTO search_mediation_performance(rowid, how, proof) VALUES (new.id, new.how || '  ', new.proof || '  '); END;
CREATE VIEW search_mediation_paper_text AS SELECT id, paper || '  ' AS paper, description || '  ' AS description FROM mediation_paper;
CREATE VIRTUAL TABLE search_mediation_paper USING fts5(paper, description, content='search_mediation_paper_text', content_rowid='id', tokenize='trigram case_sensitive 1');
CREATE TRIGGER search_mediation_paper_insert AFTER INSERT ON mediation_paper BEGIN INSERT INTO search_mediation_paper(rowid, paper, description) VALUES (new.id, new.paper || '  ', new.description || '  '); END;
CREATE TRIGGER search_mediation_paper_delete AFTER DELETE ON mediation_paper BEGIN INSERT INTO search_mediation_paper(search_mediation_paper, rowid, paper, description) VALUES ('delete', old.id, old.paper || '  ', old.description || '  '); END;
CREATE TRIGGER search_mediation_paper_update AFTER UPDATE OF id, paper, description ON mediation_paper BEGIN INSERT INTO search_mediation_paper(search_mediation_paper, rowid, paper, description) VALUES ('delete', old.id, old.paper || '  ', old.description || '  '); INSERT INTO search_mediation_paper(rowid, paper, description) VALUES (new.id, new.paper || '  ', new.description || '  '); END;
