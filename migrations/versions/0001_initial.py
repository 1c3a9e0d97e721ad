"""initial schema: organisation, users, process models, instances, tasks, events

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 00:09:00.784393

A migration must still work with the previous release of the code.
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

# Bangka Tabel 1 and Polewali II.1-2; lanes in diagrams name these exactly.
ROLES = [
    ('Pengguna Layanan', 'Files requests and complaints, confirms fulfilment, rates satisfaction'),
    ('Penyedia Layanan', 'Staff of the provider PD: escalation tickets, monitoring, approvals'),
    ('Administrator Layanan', 'Service desk: classifies, prioritises, handles; escalation level 1'),
    ('Administrator Infrastruktur dan Aplikasi', 'Technical team: handles what level 1 cannot'),
    ('Penanggung Jawab Penyedia Layanan', 'Service owner: approves; escalation level 2'),
    ('Penanggung Jawab Infrastruktur dan Aplikasi', 'Head of infrastructure; escalation level 2'),
    ('Pimpinan PD Penyedia Layanan', 'Head of the provider PD; escalation level 3'),
    ('Koordinator', 'Reviews the efficiency of a process (Polewali)'),
    ('Analis Proses', 'Edits and deploys BPMN diagrams and forms'),
    ('Admin Sistem', 'Users, role assignments, reference tables'),
]


def upgrade() -> None:
    op.create_table('agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency')),
    sa.UniqueConstraint('code', name=op.f('uq_agency_code'))
    )
    op.create_table('process_model',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_model'))
    )
    op.create_table('role',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_role'))
    )
    op.bulk_insert(
        sa.table('role', sa.column('name', sa.String), sa.column('description', sa.Text)),
        [{'name': name, 'description': description} for name, description in ROLES],
    )
    op.create_table('service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('group', sa.String(length=40), nullable=False),
    sa.Column('classification', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_service_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service')),
    sa.UniqueConstraint('code', name=op.f('uq_service_code'))
    )
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_agency_id'), ['agency_id'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_user_account_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    op.create_table('process_model_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_model_id', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deployed_by_id', sa.Integer(), nullable=True),
    sa.Column('deployed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['deployed_by_id'], ['user_account.id'], name=op.f('fk_process_model_version_deployed_by_id_user_account')),
    sa.ForeignKeyConstraint(['process_model_id'], ['process_model.id'], name=op.f('fk_process_model_version_process_model_id_process_model')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_model_version')),
    sa.UniqueConstraint('process_model_id', 'version', name=op.f('uq_process_model_version_process_model_id'))
    )
    with op.batch_alter_table('process_model_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_model_version_content_hash'), ['content_hash'], unique=False)

    op.create_table('request_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('needs_approval', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_request_type_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_type')),
    sa.UniqueConstraint('service_id', 'code', name=op.f('uq_request_type_service_id'))
    )
    op.create_table('role_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=80), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('service_id IS NULL OR agency_id IS NULL', name=op.f('ck_role_assignment_one_scope')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_role_assignment_agency_id_agency')),
    sa.ForeignKeyConstraint(['role'], ['role.name'], name=op.f('fk_role_assignment_role_role')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_role_assignment_service_id_service')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_role_assignment_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_assignment'))
    )
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.create_index('ix_role_assignment_role_agency', ['role', 'agency_id'], unique=False)
        batch_op.create_index('ix_role_assignment_role_service', ['role', 'service_id'], unique=False)
        batch_op.create_index('ix_role_assignment_user_role', ['user_id', 'role'], unique=False)

    op.create_table('process_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['process_model_version.id'], name=op.f('fk_process_file_version_id_process_model_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_file')),
    sa.UniqueConstraint('version_id', 'name', name=op.f('uq_process_file_version_id'))
    )
    op.create_table('process_instance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_model_id', sa.String(length=100), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('next_timer_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error_message', sa.Text(), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_process_instance_agency_id_agency')),
    sa.ForeignKeyConstraint(['process_model_id'], ['process_model.id'], name=op.f('fk_process_instance_process_model_id_process_model')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_process_instance_service_id_service')),
    sa.ForeignKeyConstraint(['started_by_id'], ['user_account.id'], name=op.f('fk_process_instance_started_by_id_user_account')),
    sa.ForeignKeyConstraint(['version_id'], ['process_model_version.id'], name=op.f('fk_process_instance_version_id_process_model_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_instance'))
    )
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_instance_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_process_instance_model_status', ['process_model_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_instance_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_instance_started_by_id'), ['started_by_id'], unique=False)
        batch_op.create_index('ix_process_instance_timer', ['status', 'next_timer_at'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_event_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_event_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_instance_id'), ['instance_id'], unique=False)

    op.create_table('task',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('process_model_id', sa.String(length=100), nullable=False),
    sa.Column('bpmn_id', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('lane', sa.String(length=80), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('assignee', sa.String(length=80), nullable=True),
    sa.Column('requires_role', sa.Boolean(), nullable=False),
    sa.Column('unroutable', sa.Boolean(), nullable=False),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('form_file', sa.String(length=200), nullable=True),
    sa.Column('ui_form_file', sa.String(length=200), nullable=True),
    sa.Column('instructions', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_task_agency_id_agency')),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['user_account.id'], name=op.f('fk_task_claimed_by_id_user_account')),
    sa.ForeignKeyConstraint(['completed_by_id'], ['user_account.id'], name=op.f('fk_task_completed_by_id_user_account')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_task_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_task_service_id_service')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task'))
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index('ix_task_inbox_assignee', ['state', 'assignee'], unique=False)
        batch_op.create_index('ix_task_inbox_claimed', ['state', 'claimed_by_id'], unique=False)
        batch_op.create_index('ix_task_inbox_role', ['state', 'lane', 'service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_instance_id'), ['instance_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_instance_id'))
        batch_op.drop_index('ix_task_inbox_role')
        batch_op.drop_index('ix_task_inbox_claimed')
        batch_op.drop_index('ix_task_inbox_assignee')

    op.drop_table('task')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_instance_id'))

    op.drop_table('event')
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.drop_index('ix_process_instance_timer')
        batch_op.drop_index(batch_op.f('ix_process_instance_started_by_id'))
        batch_op.drop_index(batch_op.f('ix_process_instance_service_id'))
        batch_op.drop_index('ix_process_instance_model_status')
        batch_op.drop_index(batch_op.f('ix_process_instance_agency_id'))

    op.drop_table('process_instance')
    op.drop_table('process_file')
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.drop_index('ix_role_assignment_user_role')
        batch_op.drop_index('ix_role_assignment_role_service')
        batch_op.drop_index('ix_role_assignment_role_agency')

    op.drop_table('role_assignment')
    op.drop_table('request_type')
    with op.batch_alter_table('process_model_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_model_version_content_hash'))

    op.drop_table('process_model_version')
    op.drop_table('user_account')
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_agency_id'))

    op.drop_table('service')
    op.drop_table('role')
    op.drop_table('process_model')
    op.drop_table('agency')
